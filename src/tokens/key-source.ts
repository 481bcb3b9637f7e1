import type { CryptoKey, JWSHeaderParameters, KeyObject } from 'jose';

/** A verification key as jose accepts it. */
export type VerificationKey = CryptoKey | KeyObject;

/**
 * Where the keys that verify a JWT come from: configured keys or a remote JWK set.
 * Only `alg` and `kid` of the header select a key; `jku`, `x5u` and `jwk` are never used.
 */
export interface KeySource {
  /** The keys that may have signed a token with this header, best match first (often exactly one). */
  keysFor(header: JWSHeaderParameters): Promise<VerificationKey[]>;
}
