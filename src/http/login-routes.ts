import { Router, type Request } from 'express';

import { z } from 'zod';
import { AuthError } from '../errors.js';
import { resolveUser } from '../identity/resolve-user.js';
import type { Provider } from '../providers/provider.js';
import type { Store } from '../store/store.js';
import type { Sessions } from '../tokens/sessions.js';
import { authenticate, type PassportInstance } from './authenticate.js';
import { parseBody } from './body.js';

// What every login body may carry beside the provider's credentials (App Services clients send it).
const loginEnvelope = z.looseObject({
  options: z.looseObject({ device: z.record(z.string(), z.unknown()).optional() }).optional(),
});

export interface LoginDeps {
  passport: PassportInstance;
  providers: Map<string, Provider>;
  store: Store;
  sessions: Sessions;
  now: () => Date;
}

/** Looks up an enabled provider by the `:provider` path segment. */
export function enabledProvider(providers: Map<string, Provider>, req: Request): Provider {
  const provider = providers.get(String(req.params['provider']));
  if (!provider) throw new AuthError('ProviderNotEnabled', 'authentication provider not enabled');
  return provider;
}

/** `POST /providers/:provider/login`, and each provider's own routes (under `/providers/<type>`, or at the root). */
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
  router.post('/providers/:provider/login', async (req, res) => {
    const provider = enabledProvider(deps.providers, req);
    const { options } = parseBody(loginEnvelope, req);
    const verified = await authenticate(deps.passport, provider.type, req, res);
    const { user, identities } = await resolveUser(deps.store, verified, deps.now());
    res.json(await deps.sessions.start(user, identities, { device: options?.device }));
  });
  return router;
}
