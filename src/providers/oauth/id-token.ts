import { createHash } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify, type JWSHeaderParameters, type JWTPayload } from 'jose';
import { AuthError } from '../../errors.js';
import type { Logger } from '../../options.js';
import { reasonOf } from '../../tokens/jose-reasons.js';
import type { VerificationKey } from '../../tokens/key-source.js';
import { remoteKeySource, type JwksFetchOptions } from '../../tokens/remote-jwks.js';
import { safeEqual } from '../../tokens/secrets.js';

const MAX_TOKEN_LENGTH = 16_384;
const MAX_SUBJECT_LENGTH = 255;
const CLOCK_TOLERANCE = 30;

export interface IdTokenOptions {
  /** Names the provider in refusals and logs. */
  owner: string;
  jwksUri: string;
  jwksFetch: JwksFetchOptions;
  /** Accepted `iss` values, compared exactly. */
  issuers: string[];
  /** Our client id: the only audience accepted. */
  clientId: string;
  now: () => Date;
  logger: Logger;
  /** Google and Apple sign with RS256. */
  algorithms?: string[];
}

export interface ExpectedNonce {
  /** The nonce this login sent (web flow), or the raw nonce a native client reports. */
  nonce: string;
  /** Apple's native clients send SHA-256(raw nonce) to Apple, hex: the token carries that. */
  hashed?: boolean;
}

export interface IdTokenClaims extends JWTPayload {
  sub: string;
}

export const invalidIdToken = (reason: string) => new AuthError('AuthError', `invalid ID token: ${reason}`);

/**
 * Verifies OpenID Connect ID tokens (OIDC Core §3.1.3.7) against the provider's JWK set
 * (cached, refetched on an unknown `kid` at most once per cooldown): signature with an
 * allowlisted algorithm, `iss` exact, `aud` our client id (with `azp` naming us when other
 * audiences ride along), `exp`, `iat` not in the future, `sub` present, and the `nonce` the
 * login sent. Every refusal is a 401 `AuthError` saying why; an unreachable key set is a 503.
 */
export function idTokenVerifier(options: IdTokenOptions) {
  const keys = remoteKeySource(options.jwksUri, options.jwksFetch, options.logger, options.owner);
  const algorithms = options.algorithms ?? ['RS256'];

  return async function verifyIdToken(token: string, expected?: ExpectedNonce): Promise<IdTokenClaims> {
    if (token.length > MAX_TOKEN_LENGTH || token.split('.').length !== 3) throw invalidIdToken('malformed token');
    let header: JWSHeaderParameters;
    try {
      header = decodeProtectedHeader(token) as JWSHeaderParameters;
    } catch {
      throw invalidIdToken('malformed token');
    }
    if (typeof header.alg !== 'string' || !algorithms.includes(header.alg)) throw invalidIdToken('algorithm not allowed');
    const candidates = await keys.keysFor(header);
    if (!candidates.length) throw invalidIdToken('no key matches the token');
    const claims = await verifyWithAny(token, candidates);
    return checkClaims(claims, expected);
  };

  async function verifyWithAny(token: string, candidates: VerificationKey[]): Promise<JWTPayload> {
    let refusal: unknown;
    for (const key of candidates) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms,
          issuer: options.issuers,
          audience: options.clientId,
          currentDate: options.now(),
          clockTolerance: CLOCK_TOLERANCE,
          requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub'],
        });
        return payload;
      } catch (err) {
        if (!(err instanceof errors.JWSSignatureVerificationFailed)) throw invalidIdToken(reasonOf(err));
        refusal = err;
      }
    }
    throw invalidIdToken(reasonOf(refusal));
  }

  function checkClaims(claims: JWTPayload, expected: ExpectedNonce | undefined): IdTokenClaims {
    const { sub, aud, azp, iat } = claims;
    if (typeof sub !== 'string' || sub === '' || sub.length > MAX_SUBJECT_LENGTH) throw invalidIdToken('invalid sub claim');
    if (Array.isArray(aud) && aud.length > 1 && azp !== options.clientId) throw invalidIdToken('issued to another party (azp)');
    if (typeof iat === 'number' && iat > options.now().getTime() / 1000 + CLOCK_TOLERANCE) {
      throw invalidIdToken('the token is issued in the future');
    }
    if (expected) {
      const want = expected.hashed ? createHash('sha256').update(expected.nonce).digest('hex') : expected.nonce;
      if (typeof claims['nonce'] !== 'string' || !safeEqual(claims['nonce'], want)) throw invalidIdToken('wrong nonce');
    }
    return claims as IdTokenClaims;
  }
}

export type VerifyIdToken = ReturnType<typeof idTokenVerifier>;
