import { Strategy as CustomStrategy } from 'passport-custom';
import { newId } from '../../model/ids.js';
import type { ProviderOptions } from '../../options.js';
import { providerLimiter } from '../limiter.js';
import type { ProviderModule } from '../provider.js';
import type { VerifiedIdentity } from '../../identity/verified-identity.js';
import { sweepInactiveAnonymousUsers } from './sweep.js';

/** anon-user: every login is a new user with one anonymous identity. */
export const anonUser: ProviderModule<ProviderOptions['anon-user']> = {
  type: 'anon-user',
  create(options, ctx) {
    return {
      type: 'anon-user',
      strategy: new CustomStrategy((_req, done) => {
        const verified: VerifiedIdentity = { providerType: 'anon-user', id: newId(ctx.now()) };
        done(null, verified);
      }),
      sweep: () => sweepInactiveAnonymousUsers(ctx, options.inactiveTtl),
      // Every login creates a user: an address may not create them without end.
      loginGuards: [providerLimiter(ctx, 'anon-user', options.rateLimit.store)('login:ip', options.rateLimit.login.perIp)],
    };
  },
};
