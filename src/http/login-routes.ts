import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { AuthError } from '../errors.js';
import type { Accounts } from '../identity/accounts.js';
import type { Provider } from '../providers/provider.js';
import type { Sessions } from '../tokens/sessions.js';
import { authenticate, type PassportInstance } from './authenticate.js';
import { parseBody } from '../util/parse-input.js';

// What every login body may carry beside the provider's credentials (App Services clients send it).
const loginEnvelope = z.looseObject({
  options: z.looseObject({ device: z.record(z.string(), z.unknown()).optional() }).optional(),
});

export interface LoginDeps {
  passport: PassportInstance;
  providers: Map<string, Provider>;
  accounts: Accounts;
  sessions: Sessions;
  /** requireUser({ checkSession: true }): a link needs the current user's live session. */
  liveUser: RequestHandler;
}

/** Looks up an enabled provider by the `:provider` path segment. */
export function enabledProvider(providers: Map<string, Provider>, req: Request): Provider {
  const provider = providers.get(String(req.params['provider']));
  if (!provider) throw new AuthError('ProviderNotEnabled', 'authentication provider not enabled');
  return provider;
}

/** Whether a login request asks to link (App Services clients send `?link=true` with an access token). */
export const wantsLink = (req: Request) => req.query['link'] === 'true';

/**
 * `POST /providers/:provider/login`, and each provider's own routes (under `/providers/<type>`,
 * or at the root). With `?link=true` the verified identity is added to the bearer's user, who keeps the session:
 * the answer is a fresh access token for it, as App Services answers a link.
 */
export function loginRoutes(deps: LoginDeps): Router {
  const router = Router();
  for (const provider of deps.providers.values()) {
    if (provider.routes) {
      const own = Router();
      provider.routes(own);
      router.use(`/providers/${provider.type}`, own);
    }
    if (provider.rootRoutes) {
      const own = Router();
      provider.rootRoutes(own);
      router.use(own);
    }
    // Registered before the generic login route, which they hand on to.
    if (provider.loginGuards?.length) router.post(`/providers/${provider.type}/login`, ...provider.loginGuards);
  }
  const currentUserWhenLinking: RequestHandler = (req, res, next) => (wantsLink(req) ? deps.liveUser(req, res, next) : next());
  router.post('/providers/:provider/login', currentUserWhenLinking, async (req, res) => {
    const provider = enabledProvider(deps.providers, req);
    const { options } = parseBody(loginEnvelope, req);
    const verified = await authenticate(deps.passport, provider.type, req, res);
    if (wantsLink(req)) {
      await deps.accounts.link(req.user!.id, verified);
      res.set('Cache-Control', 'no-store').json(await deps.sessions.reissue(req.user!.sessionId));
      return;
    }
    const tokens = await deps.accounts.login(verified, ({ user, identities, identity }) =>
      deps.sessions.start(user, identities, { device: options?.device, identity }),
    );
    res.set('Cache-Control', 'no-store').json(tokens);
  });
  return router;
}
