import type { Request, RequestHandler } from 'express';
import { providerLimiter } from '../limiter.js';
import type { ProviderContext } from '../provider.js';
import type { UserpassOptions } from './deps.js';
import { normaliseEmail } from './email.js';

/** The limiters in front of each group of routes. */
export interface UserpassLimits {
  login: RequestHandler[];
  register: RequestHandler[];
  /** confirm/send, reset/send, confirm/call, reset/call. */
  send: RequestHandler[];
  /** confirm, reset. */
  token: RequestHandler[];
}

/** The account a request names in `field`, normalised like the credential's key; none when it is not a string. */
const accountIn = (field: string) => (req: Request) => {
  const value = (req.body as Record<string, unknown> | undefined)?.[field];
  return typeof value === 'string' ? normaliseEmail(value) : undefined;
};

/**
 * Per-IP limits on every route, and per-account ones where an attacker aims at one
 * person: failed logins (NIST's ≤ 100 per account) and mail sent to one address.
 */
export function userpassLimits(ctx: ProviderContext, options: UserpassOptions['rateLimit']): UserpassLimits {
  const limiter = providerLimiter(ctx, 'local-userpass', options.store);
  return {
    login: [
      limiter('login:ip', options.login.perIp),
      limiter('login:account', options.login.failedPerAccount, { key: accountIn('username'), failuresOnly: true }),
    ],
    register: [limiter('register:ip', options.register.perIp)],
    send: [limiter('send:ip', options.send.perIp), limiter('send:account', options.send.perAccount, { key: accountIn('email') })],
    token: [limiter('token:ip', options.token.perIp)],
  };
}
