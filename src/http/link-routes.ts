import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { AuthError } from '../errors.js';
import type { Accounts } from '../identity/accounts.js';
import { PROVIDER_TYPES } from '../model/types.js';
import type { Provider } from '../providers/provider.js';
import type { Logger } from '../options.js';
import { audit, auditRefusal } from './audit.js';
import { verifiedIdentity } from './authenticate.js';
import { enabledProvider, providerLoginGuards } from './login-routes.js';
import { profileOf } from './profile.js';

export interface LinkDeps {
  providers: Map<string, Provider>;
  accounts: Accounts;
  /** requireUser({ checkSession: true }). */
  liveUser: RequestHandler;
  logger: Logger;
}

const providerType = z.enum(PROVIDER_TYPES);

/**
 * Linking and unlinking identities of the current user. Both answer the profile; the access
 * token keeps its claims (provider types, anonymous) until the next refresh, as SPEC §3 says.
 */
export function linkRoutes(deps: LinkDeps): Router {
  const router = Router();

  // The current user is checked before the provider sees any credential; the provider's login
  // guards (rate limits) apply to its links too.
  router.post('/link/providers/:provider/login', deps.liveUser, providerLoginGuards(deps.providers), async (req, res) => {
    const provider = enabledProvider(deps.providers, req);
    try {
      const verified = await verifiedIdentity(provider.strategy, req, res);
      if (!verified) return;
      const { user, identities } = await deps.accounts.link(req.user!.id, verified);
      audit(deps.logger, req, 'link', { userId: user.id, provider: provider.type });
      res.set('Cache-Control', 'no-store').json(profileOf(user, identities));
    } catch (err) {
      auditRefusal(deps.logger, req, 'link', err, { provider: provider.type });
      throw err;
    }
  });

  router.delete('/identities/:providerType/:id', deps.liveUser, async (req, res) => {
    const type = providerType.safeParse(req.params['providerType']);
    if (!type.success) throw new AuthError('NotFound', 'identity not found');
    const { user, identities } = await deps.accounts.unlink(req.user!.id, type.data, String(req.params['id']));
    audit(deps.logger, req, 'unlink', { userId: user.id, provider: type.data });
    res.set('Cache-Control', 'no-store').json(profileOf(user, identities));
  });

  return router;
}
