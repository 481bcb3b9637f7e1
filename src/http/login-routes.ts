import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { AuthError } from '../errors.js';
import type { Accounts } from '../identity/accounts.js';
import type { Provider } from '../providers/provider.js';
import type { SessionClient } from '../model/types.js';
import type { Sessions } from '../tokens/sessions.js';
import type { Logger } from '../options.js';
import { audit, auditRefusal } from './audit.js';
import { authenticate, type PassportInstance } from './authenticate.js';
import { storableDocument } from '../model/storable.js';
import { parseBody } from '../util/parse-input.js';

// What every login body may carry beside the provider's credentials (App Services clients send it).
const loginEnvelope = z.looseObject({
  options: z.looseObject({ device: storableDocument.optional() }).optional(),
});

export interface LoginDeps {
  passport: PassportInstance;
  providers: Map<string, Provider>;
  accounts: Accounts;
  sessions: Sessions;
  /** requireUser({ checkSession: true }): a link needs the current user's live session. */
  liveUser: RequestHandler;
  logger: Logger;
  /** The client dialect of the sessions these routes open (the App Services routes' own instance). */
  client?: SessionClient | undefined;
}

/** Looks up an enabled provider by the `:provider` path segment. */
export function enabledProvider(providers: Map<string, Provider>, req: Request): Provider {
  const provider = providers.get(String(req.params['provider']));
  if (!provider) throw new AuthError('ProviderNotEnabled', 'authentication provider not enabled');
  return provider;
}

/**
 * Runs the login guards (rate limits) of the provider the path names. They run after the
 * provider is looked up, so every spelling of its name that reaches it (`local%2Duserpass`)
 * meets the same guards.
 */
export function providerLoginGuards(providers: Map<string, Provider>): RequestHandler {
  return (req, res, next) => runAll(enabledProvider(providers, req).loginGuards ?? [], req, res, next);
}

/** Runs middleware in order, as one: the first error, or the end of the list, settles it. */
function runAll(handlers: RequestHandler[], req: Request, res: Response, done: NextFunction): void {
  let i = 0;
  const step = (err?: unknown) => {
    if (err !== undefined && err !== null) return done(err);
    const handler = handlers[i++];
    if (!handler) return done();
    try {
      void handler(req, res, step);
    } catch (thrown) {
      done(thrown);
    }
  };
  step();
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
  }
  const currentUserWhenLinking: RequestHandler = (req, res, next) => (wantsLink(req) ? deps.liveUser(req, res, next) : next());
  router.post('/providers/:provider/login', currentUserWhenLinking, providerLoginGuards(deps.providers), async (req, res) => {
    const provider = enabledProvider(deps.providers, req);
    const { options } = parseBody(loginEnvelope, req);
    const event = wantsLink(req) ? 'link' : 'login';
    try {
      const verified = await authenticate(deps.passport, provider.type, req, res);
      if (wantsLink(req)) {
        await deps.accounts.link(req.user!.id, verified);
        audit(deps.logger, req, 'link', { userId: req.user!.id, provider: provider.type });
        res.set('Cache-Control', 'no-store').json(await deps.sessions.reissue(req.user!.sessionId));
        return;
      }
      const tokens = await deps.accounts.login(verified, ({ user, identities, identity }) =>
        deps.sessions.start(user, identities, { device: options?.device, identity, client: deps.client }),
      );
      audit(deps.logger, req, 'login', { userId: tokens.user_id, provider: provider.type, sessionId: tokens.device_id });
      res.set('Cache-Control', 'no-store').json(tokens);
    } catch (err) {
      auditRefusal(deps.logger, req, event, err, { provider: provider.type });
      throw err;
    }
  });
  // Any other route under a provider: a disabled one answers as its login route does.
  router.all('/providers/:provider/{*rest}', (req) => {
    enabledProvider(deps.providers, req);
    throw new AuthError('NotFound', `no route for ${req.method} ${req.baseUrl}${req.path}`);
  });
  return router;
}
