import { createRemoteJWKSet, errors, type JWSHeaderParameters } from 'jose';
import { AuthError } from '../../errors.js';
import type { Logger, ProviderOptions } from '../../options.js';
import type { KeySource, VerificationKey } from './key-source.js';

type Options = ProviderOptions['custom-token'];

/**
 * Keys from the host's JWK set, through jose's remote set: fetched on first use, cached for
 * `cacheMaxAge`, refetched on an unknown `kid` at most once per `cooldownDuration` (so a flood
 * of made-up `kid`s costs one fetch), each fetch bounded by `timeoutDuration`.
 *
 * A set that cannot be fetched or read is the server's problem, not the client's: it answers
 * 503, and the login can be retried.
 */
export function remoteKeySource(jwksUri: string, fetchOptions: Options['jwksFetch'], logger: Logger): KeySource {
  const jwks = createRemoteJWKSet(new URL(jwksUri), { ...fetchOptions });
  return {
    async keysFor(header: JWSHeaderParameters): Promise<VerificationKey[]> {
      try {
        return [await jwks(header)];
      } catch (err) {
        if (err instanceof errors.JWKSNoMatchingKey) return [];
        if (err instanceof errors.JWKSMultipleMatchingKeys) return collect(err);
        logger.warn('express-auth-providers: custom-token JWK set unavailable', {
          jwksUri,
          error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        });
        throw new AuthError('ServiceUnavailable', 'the key set for custom tokens is unavailable', { cause: err });
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
