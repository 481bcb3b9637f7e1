import type { Request } from 'express';
import { rateLimit, type RateLimitInfo } from 'express-rate-limit';
import { AuthError, StoreUnavailableError } from '../errors.js';
import type { Logger } from '../options.js';
import { sha256 } from '../tokens/secrets.js';
import type { RateLimitFactory } from '../providers/limiter.js';
import { requestId } from './audit.js';
import { MemoryLimitStore } from './memory-limit-store.js';


/**
 * Limiters on express-rate-limit that answer through the error handler: 429
 * `TooManyRequests` with `Retry-After`, and the library's own warnings (e.g. an
 * `X-Forwarded-For` header that no trusted proxy vouches for) go to our logger.
 */
export function rateLimiter(logger: Logger): RateLimitFactory {
  const log = {
    warn: (error: unknown, message?: string) => logger.warn(`express-auth-providers: rate limit: ${describe(error, message)}`),
    error: (error: unknown, message?: string) => logger.error(`express-auth-providers: rate limit: ${describe(error, message)}`),
  };
  return (spec) => {
    const windowMs = spec.rule.window * 1000;
    const keyOf = spec.key;
    const limiter = rateLimit({
      windowMs,
      limit: spec.rule.limit,
      legacyHeaders: false,
      standardHeaders: false,
      requestPropertyName: `rateLimit:${spec.name}`,
      skipSuccessfulRequests: spec.failuresOnly ?? false,
      // A failure is the client's (4xx): answers of a server in trouble (5xx, such as the
      // data store being down) must not use up the budget of the people it failed.
      requestWasSuccessful: (_req, res) => res.statusCode < 400 || res.statusCode >= 500,
      ...(keyOf && {
        skip: (req: Request) => keyOf(req) === undefined,
        keyGenerator: (req: Request) => sha256(keyOf(req)!),
      }),
      store: spec.store ?? new MemoryLimitStore(),
      logger: log,
      handler: (req, _res, next, options) => {
        const info = (req as unknown as Record<string, RateLimitInfo | undefined>)[options.requestPropertyName];
        const resetAt = info?.resetTime?.getTime() ?? Date.now() + windowMs;
        const retryAfter = Math.max(1, Math.ceil((resetAt - Date.now()) / 1000));
        logger.warn('express-auth-providers: rate limit reached', { limiter: spec.name, requestId: requestId(req), ip: req.ip });
        next(
          new AuthError('TooManyRequests', 'too many requests, try again later', {
            headers: { 'Retry-After': String(retryAfter) },
            detail: spec.name,
          }),
        );
      },
    });
    // Fail closed: with its counts unreachable the limiter cannot tell a brute force from a
    // user, so the request is refused with 503 (as when the data store is down), not let through.
    return (req, res, next) =>
      void limiter(req, res, (err?: unknown) =>
        next(err === undefined || err instanceof AuthError ? err : new StoreUnavailableError('rate-limit store unavailable', { cause: err })),
      );
  };
}

function describe(error: unknown, message?: string): string {
  const text = error instanceof Error ? error.message : String(error);
  return message ? `${message} ${text}` : text;
}
