import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { AuthError } from '../errors.js';
import type { CompleteLogin } from '../identity/complete-login.js';
import type { Provider } from '../providers/provider.js';
import type { SessionClient } from '../model/types.js';
import type { Logger } from '../options.js';
import { audit, auditRefusal } from './audit.js';
import { verifiedIdentity } from './authenticate.js';
import type { CredentialSources } from './credentials.js';
import type { TokenDelivery } from './token-delivery.js';
import { storableDocument } from '../model/storable.js';
import { parseBody } from '../util/parse-input.js';

// What every login body may carry beside the provider's credentials (App Services clients send it).
const loginEnvelope = z.looseObject({
  options: z.looseObject({ device: storableDocument.optional() }).optional(),
});

export interface LoginDeps {
  providers: Map<string, Provider>;
  completeLogin: CompleteLogin;
  sources: CredentialSources;
  delivery: TokenDelivery;
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
  // A link is checked by requireUser (CSRF included, for a cookie); a login that would set
  // cookies by the delivery's login guard (the App Services routes answer JSON only: none).
  const currentUserOrLoginGuard: RequestHandler = (req, res, next) =>
    wantsLink(req) ? deps.liveUser(req, res, next) : deps.client ? next() : deps.delivery.guardLogin(req, res, next);
  router.post('/providers/:provider/login', currentUserOrLoginGuard, providerLoginGuards(deps.providers), async (req, res) => {
    const provider = enabledProvider(deps.providers, req);
    const { options } = parseBody(loginEnvelope, req);
    const event = wantsLink(req) ? 'link' : 'login';
    try {
      const verified = await verifiedIdentity(provider.strategy, req, res);
      if (!verified) return;
      if (wantsLink(req)) {
        const tokens = await deps.completeLogin(verified, { link: { userId: req.user!.id, sessionId: req.user!.sessionId } });
        audit(deps.logger, req, 'link', { userId: req.user!.id, provider: provider.type });
        // The fresh access token goes back the way the current one came (requireUser read the same sources).
        deps.delivery.send(req, res, tokens, deps.sources.read(req, { cookies: ['access'] }));
        return;
      }
      const tokens = await deps.completeLogin(verified, { device: options?.device, client: deps.client });
      audit(deps.logger, req, 'login', { userId: tokens.userId, provider: provider.type, sessionId: tokens.sessionId });
      if (deps.client) deps.delivery.sendJson(res, tokens);
      else deps.delivery.send(req, res, tokens);
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
