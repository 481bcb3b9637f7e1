import { createRemoteJWKSet, errors, type JWSHeaderParameters } from 'jose';
import { AuthError } from '../errors.js';
import type { Logger } from '../options.js';
import type { KeySource, VerificationKey } from './key-source.js';

/** How a remote JWK set is fetched, milliseconds (jose's createRemoteJWKSet options). */
export interface JwksFetchOptions {
  /** An unknown `kid` refetches the set at most this often. */
  cooldownDuration: number;
  /** The set is refetched when older than this. */
  cacheMaxAge: number;
  timeoutDuration: number;
}

/**
 * Keys from a JWK set at a fixed URL (a host's issuer, Google's or Apple's keys), through
 * jose's remote set: fetched on first use, cached for `cacheMaxAge`, refetched on an unknown
 * `kid` at most once per `cooldownDuration` (so a flood of made-up `kid`s costs one fetch),
 * each fetch bounded by `timeoutDuration`. Only `alg` and `kid` select a key.
 *
 * A set that cannot be fetched or read is the server's problem, not the client's: it answers
 * 503, and the login can be retried. `owner` names the provider in the log.
 */
export function remoteKeySource(jwksUri: string, fetchOptions: JwksFetchOptions, logger: Logger, owner: string): KeySource {
  const jwks = createRemoteJWKSet(new URL(jwksUri), { ...fetchOptions });
  return {
    async keysFor(header: JWSHeaderParameters): Promise<VerificationKey[]> {
      try {
        return [await jwks(header)];
      } catch (err) {
        if (err instanceof errors.JWKSNoMatchingKey) return [];
        if (err instanceof errors.JWKSMultipleMatchingKeys) return collect(err);
        logger.warn(`express-auth-providers: ${owner} JWK set unavailable`, {
          jwksUri,
          error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        });
        throw new AuthError('ServiceUnavailable', `the key set of ${owner} is unavailable`, { cause: err });
      }
    },
  };
}

/** Several keys fit a header without `kid`: jose hands them over as an async iterator. */
async function collect(err: errors.JWKSMultipleMatchingKeys): Promise<VerificationKey[]> {
  const keys: VerificationKey[] = [];
  for await (const key of err) keys.push(key);
  return keys;
}
