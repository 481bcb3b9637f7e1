import { Strategy as CustomStrategy } from 'passport-custom';
import { z } from 'zod';
import { parseBody } from '../../util/parse-input.js';
import type { VerifiedIdentity } from '../../identity/verified-identity.js';
import type { ProviderOptions } from '../../options.js';
import { providerLimiter } from '../limiter.js';
import type { Provider, ProviderContext, ProviderModule } from '../provider.js';
import { VerifiedKeyCache } from './key-cache.js';
import { checkApiKey } from './key-check.js';
import { ensureKeyIdentity } from './key-identity.js';
import { ApiKeys } from './manage-keys.js';
import { ApiKeyRequests } from './request-auth.js';
import { userKeyRoutes } from './routes.js';
import { serverKeysApi } from './server-keys.js';


// Any string is a key to check (a wrong one is a 401); anything else is a malformed request.
const loginBody = z.object({ key: z.string() });

async function login(ctx: ProviderContext, key: string, options: ProviderOptions['api-key']): Promise<VerifiedIdentity> {
  const record = await checkApiKey(ctx, key, options.lastUsedResolution);
  return {
    providerType: 'api-key',
    id: record.id,
    data: { name: record.name },
    userType: record.server ? 'server' : 'normal',
    // The key's identity is written after the key: a login restores it if a crash left it missing.
    owner: { userId: record.userId, restore: () => ensureKeyIdentity(ctx, record) },
  };
}

/** Per-address limits on key logins: all of them, and the failed ones (key guessing) more tightly. */
function loginLimits(ctx: ProviderContext, limits: ProviderOptions['api-key']['rateLimit']) {
  const limiter = providerLimiter(ctx, 'api-key', limits.store);
  return [limiter('login:ip', limits.login.perIp), limiter('login:failed-ip', limits.login.failedPerIp, { failuresOnly: true })];
}

/**
 * api-key: user API keys (created by a user, log in as that user) and server API keys
 * (created through `auth.users.apiKeys`, each logs in as a `server` user of its own).
 */
export const apiKey: ProviderModule<ProviderOptions['api-key']> = {
  type: 'api-key',
  create(options, ctx) {
    const cache = new VerifiedKeyCache(options.requestCacheSize, options.requestCacheMs, ctx.now);
    const keys = new ApiKeys(ctx, options, cache);
    const requests = new ApiKeyRequests(ctx, cache, options.lastUsedResolution);
    const provider: Provider = {
      type: 'api-key',
      strategy: new CustomStrategy((req, done) => {
        Promise.resolve()
          .then(() => login(ctx, parseBody(loginBody, req, { key: 'api_key' }).key, options))
          .then((verified) => done(null, verified), (err: unknown) => done(err));
      }),
      rootRoutes: (router) =>
        userKeyRoutes(router, ctx.requireUser({ allowAnonymous: false, types: ['normal'], checkSession: true }), keys),
      forget: (identity) => keys.forget(identity),
      forgetUserCaches: (userId) => cache.forgetUser(userId),
      revokeIssuedCredentials: (userId) => keys.deleteAll({ userId }),
      loginGuards: loginLimits(ctx, options.rateLimit),
      // What `requireUser({ apiKeys: true })` calls with the key of an `Authorization: ApiKey` header.
      requestAuthenticator: (key) => requests.authenticate(key),
      serverKeys: serverKeysApi(keys),
    };
    return provider;
  },
};
