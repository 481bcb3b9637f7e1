import type { ProviderOptions } from '../../options.js';
import { requireHttpsInProduction } from '../https-only.js';
import type { ProviderModule } from '../provider.js';
import { confirmRoutes } from './confirm-routes.js';
import { forgetCredential, revokePending } from './credentials.js';
import type { UserpassDeps } from './deps.js';
import { userpassLimits } from './limits.js';
import { verifyLogin } from './login.js';
import { UserpassTokens } from './one-time-tokens.js';
import { PasswordHasher } from './password-hasher.js';
import { registerRoute } from './register.js';
import { resetRoutes } from './reset-routes.js';
import { userpassStrategy } from './strategy.js';

/**
 * local-userpass: email and password, with confirmation (email, host function, or
 * automatic) and reset (email or host function), argon2id, and rate limits.
 */
export const localUserpass: ProviderModule<ProviderOptions['local-userpass']> = {
  type: 'local-userpass',
  create(options, ctx) {
    // The links carry single-use tokens that log in (confirm) or set a password (reset).
    if (options.confirmation.mode === 'email') requireHttpsInProduction(ctx, 'local-userpass.confirmation.url', options.confirmation.url);
    if (options.reset?.mode === 'email') requireHttpsInProduction(ctx, 'local-userpass.reset.url', options.reset.url);
    const deps: UserpassDeps = {
      ctx,
      options,
      hasher: new PasswordHasher(options.hashing),
      tokens: new UserpassTokens(ctx.store, ctx.now),
    };
    const limits = userpassLimits(ctx, options.rateLimit);
    return {
      type: 'local-userpass',
      strategy: userpassStrategy((username, password) => verifyLogin(deps, username, password)),
      loginGuards: limits.login,
      routes(router) {
        registerRoute(router, deps, limits);
        confirmRoutes(router, deps, limits);
        resetRoutes(router, deps, limits);
      },
      forget: (identity) => forgetCredential(deps, identity.id),
      // A pending registration has no identity yet (the first login makes it), so no user is affected.
      revokeUnverifiedEmail: async (address) => (await revokePending(deps, address), []),
    };
  },
};
