import type { Request, RequestHandler } from 'express';
import type { Store as RateLimitStore } from 'express-rate-limit';
import type { ProviderContext } from './provider.js';

type LimiterSpec = Parameters<ProviderContext['rateLimit']>[0];

/** How a provider names its limiters: `name` and the rule, plus what requests are counted by. */
export type ProviderLimiter = (
  name: string,
  rule: LimiterSpec['rule'],
  more?: { key?: (req: Request) => string | undefined; failuresOnly?: boolean },
) => RequestHandler;

/**
 * The limiter factory of one provider: limiters named `<type>:<name>` (in logs, and as the
 * prefix of a store the host makes per limiter), counted in the host's store when it gives one.
 */
export function providerLimiter(ctx: ProviderContext, type: string, store?: (name: string) => RateLimitStore): ProviderLimiter {
  return (name, rule, more = {}) => {
    const full = `${type}:${name}`;
    return ctx.rateLimit({ name: full, rule, store: store?.(full), ...more });
  };
}
