import type { Request, RequestHandler } from 'express';
import type { Store as RateLimitStore } from 'express-rate-limit';
import type { ProviderContext } from './provider.js';

/** At most `limit` counted requests per `window` seconds. */
export interface RateLimitRule {
  limit: number;
  window: number;
}

export interface LimiterSpec {
  /** Names the limiter in logs; stores built per limiter use it as their key prefix. */
  name: string;
  rule: RateLimitRule;
  /**
   * What requests are counted by: the client address (`req.ip`, so `X-Forwarded-For` counts
   * only when the host trusts its proxy) by default, or a key read from the request such as
   * an account name. A request without a key is not counted. Keys are stored hashed.
   */
  key?: ((req: Request) => string | undefined) | undefined;
  /** Count only requests that fail (status >= 400), e.g. wrong passwords. */
  failuresOnly?: boolean | undefined;
  /** Where counts live (one store per limiter; e.g. rate-limit-redis for several instances). In memory by default. */
  store?: RateLimitStore | undefined;
}

/** Builds one limiter middleware; providers receive it through their context (http/rate-limit.ts makes it). */
export type RateLimitFactory = (spec: LimiterSpec) => RequestHandler;

/** How a provider names its limiters: `name` and the rule, plus what requests are counted by. */
export type ProviderLimiter = (
  name: string,
  rule: RateLimitRule,
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
