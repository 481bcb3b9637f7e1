import { Router, type Request, type RequestHandler } from 'express';
import { AuthError } from '../errors.js';
import type { Provider } from '../providers/provider.js';
import type { Store } from '../store/store.js';
import type { AccessTokens } from '../tokens/access-token.js';
import type { Sessions } from '../tokens/sessions.js';
import type { Logger } from '../options.js';
import { audit } from './audit.js';
import type { Credential, CredentialSources } from './credentials.js';
import type { CrossOriginCheck } from './csrf.js';
import { profileOf } from './profile.js';
import type { SessionCookie } from './session-cookies.js';
import type { TokenDelivery } from './token-delivery.js';

export interface SessionDeps {
  store: Store;
  sessions: Sessions;
  access: AccessTokens;
  providers: Map<string, Provider>;
  sources: CredentialSources;
  crossOrigin: CrossOriginCheck;
  delivery: TokenDelivery;
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

  /** The request's session credential; a cookie one only from this origin or a trusted one (CSRF). */
  const credentialOf = (req: Request, cookies: SessionCookie[]): Exclude<Credential, { source: 'api-key' }> => {
    const credential = deps.sources.read(req, { cookies });
    if (!credential || credential.source === 'api-key') throw missingToken();
    const refused = deps.crossOrigin.refusalFor(req, credential);
    if (refused) throw refused;
    return credential;
  };

  router.get('/providers', (_req, res) => {
    res.json([...deps.providers.values()].map((p) => ({ name: p.type, type: p.type })));
  });

  router.post('/session', async (req, res) => {
    const credential = credentialOf(req, ['refresh']);
    try {
      deps.delivery.send(req, res, await deps.sessions.refresh(credential.token), credential);
    } catch (err) {
      // A refresh cookie the server no longer honours is dropped, so the browser stops sending it.
      if (credential.source === 'cookie' && err instanceof AuthError && err.code === 'InvalidSession') deps.delivery.clear(req, res);
      throw err;
    }
  });

  // Logout accepts the refresh token or an access token of the session; ending an
  // already ended session is not an error. In cookie mode the cookies are cleared too.
  router.delete('/session', async (req, res) => {
    const { token } = credentialOf(req, ['refresh', 'access']);
    const claims = await deps.access.verify(token);
    if (claims) await deps.sessions.revoke(claims.sid);
    const ended = claims ? { sessionId: claims.sid, userId: claims.sub } : await deps.sessions.endByRefreshToken(token);
    if (ended) audit(deps.logger, req, 'logout', ended);
    deps.delivery.clear(req, res);
    res.status(204).end();
  });

  router.get('/profile', deps.liveUser, async (req, res) => {
    const user = await deps.store.getUser(req.user!.id);
    if (!user) throw new AuthError('InvalidSession', 'the user no longer exists');
    res.json(profileOf(user, await deps.store.listIdentities(user.id)));
  });

  router.delete('/delete', deps.liveUser, async (req, res) => {
    await deps.deleteUser(req.user!.id);
    deps.delivery.clear(req, res);
    res.status(204).end();
  });

  return router;
}
