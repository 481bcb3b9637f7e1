import { Router, type RequestHandler } from 'express';
import { AuthError } from '../errors.js';
import type { Provider } from '../providers/provider.js';
import type { Store } from '../store/store.js';
import type { AccessTokens } from '../tokens/access-token.js';
import type { Sessions } from '../tokens/sessions.js';
import type { Logger } from '../options.js';
import { audit } from './audit.js';
import { bearerToken } from './bearer.js';
import { profileOf } from './profile.js';

export interface SessionDeps {
  store: Store;
  sessions: Sessions;
  access: AccessTokens;
  providers: Map<string, Provider>;
  /** requireUser({ checkSession: true }). */
  liveUser: RequestHandler;
  deleteUser: (userId: string) => Promise<boolean>;
  logger: Logger;
}

const missingToken = () =>
  new AuthError('MissingAuthReq', 'a bearer token is required', { headers: { 'WWW-Authenticate': 'Bearer' } });

/** Sessions and the current user: refresh, logout, profile, self-deletion, provider list. */
export function sessionRoutes(deps: SessionDeps): Router {
  const router = Router();

  router.get('/providers', (_req, res) => {
    res.json([...deps.providers.values()].map((p) => ({ name: p.type, type: p.type })));
  });

  router.post('/session', async (req, res) => {
    const token = bearerToken(req);
    if (!token) throw missingToken();
    res.set('Cache-Control', 'no-store').json(await deps.sessions.refresh(token));
  });

  // Logout accepts the refresh token or an access token of the session; ending an
  // already ended session is not an error.
  router.delete('/session', async (req, res) => {
    const token = bearerToken(req);
    if (!token) throw missingToken();
    const claims = await deps.access.verify(token);
    if (claims) await deps.sessions.revoke(claims.sid);
    const ended = claims ? { sessionId: claims.sid, userId: claims.sub } : await deps.sessions.endByRefreshToken(token);
    if (ended) audit(deps.logger, req, 'logout', ended);
    res.status(204).end();
  });

  router.get('/profile', deps.liveUser, async (req, res) => {
    const user = await deps.store.getUser(req.user!.id);
    if (!user) throw new AuthError('InvalidSession', 'the user no longer exists');
    res.json(profileOf(user, await deps.store.listIdentities(user.id)));
  });

  router.delete('/delete', deps.liveUser, async (req, res) => {
    await deps.deleteUser(req.user!.id);
    res.status(204).end();
  });

  return router;
}
