import { Strategy as CustomStrategy } from 'passport-custom';
import { AuthError } from '../../errors.js';
import type { ProviderOptions } from '../../options.js';
import type { Request, RequestHandler } from 'express';
import { providerLimiter } from '../limiter.js';
import type { ProviderContext, ProviderModule } from '../provider.js';
import { callAuthenticate } from './call-authenticate.js';

/**
 * custom-function: the host's `authenticate(payload, ctx)` decides who the sender of any JSON
 * object is; the id it returns is the identity id (not the user id).
 */
export const customFunction: ProviderModule<ProviderOptions['custom-function']> = {
  type: 'custom-function',
  create(options, ctx) {
    return {
      type: 'custom-function',
      strategy: new CustomStrategy((req, done) => {
        const body: unknown = req.body;
        if (typeof body !== 'object' || body === null || Array.isArray(body)) {
          return done(new AuthError('InvalidParameter', 'the login payload must be a JSON object'));
        }
        callAuthenticate(options, payloadOf(body as Record<string, unknown>), { ip: req.ip, headers: req.headers }, ctx.logger).then(
          (identity) => done(null, identity),
          done,
        );
      }),
      loginGuards: loginLimits(ctx, options),
    };
  },
};

/**
 * The host's function may guard something small, such as a PIN: logins per address, failed
 * ones more tightly, and failed ones per account when the host says which account a payload names.
 */
function loginLimits(ctx: ProviderContext, options: ProviderOptions['custom-function']): RequestHandler[] {
  const { store, login } = options.rateLimit;
  const limiter = providerLimiter(ctx, 'custom-function', store);
  const limiters = [limiter('login:ip', login.perIp), limiter('login:failed-ip', login.failedPerIp, { failuresOnly: true })];
  const account = options.account;
  if (account) {
    const key = (req: Request) => {
      const body: unknown = req.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
      try {
        const named = account(payloadOf(body as Record<string, unknown>));
        return typeof named === 'string' || typeof named === 'number' ? String(named) : undefined;
      } catch {
        return undefined;
      }
    };
    limiters.push(limiter('login:failed-account', login.failedPerAccount, { key, failuresOnly: true }));
  }
  return limiters;
}

/**
 * The payload without the client's login envelope (`options: { device }`, which App Services
 * SDKs add to every login body); anything else the client sent is the host's to judge.
 */
function payloadOf(body: Record<string, unknown>): Record<string, unknown> {
  const { options, ...rest } = body;
  const envelope = typeof options === 'object' && options !== null && Object.keys(options).every((k) => k === 'device');
  return envelope ? rest : body;
}
