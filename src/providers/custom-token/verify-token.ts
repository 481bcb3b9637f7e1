import { decodeProtectedHeader, errors, jwtVerify, type JWSHeaderParameters, type JWTPayload } from 'jose';
import type { Logger, ProviderOptions } from '../../options.js';
import { invalidToken, reasonOf } from './invalid-token.js';
import type { KeySource, VerificationKey } from '../../tokens/key-source.js';

type Options = ProviderOptions['custom-token'];

/** The longest `sub` accepted as an identity id. */
export const MAX_SUBJECT_LENGTH = 512;

export interface VerifiedClaims extends JWTPayload {
  sub: string;
}

/**
 * Verifies a custom token (RFC 8725): size capped before parsing; `alg` from the allowlist
 * (never `none`, and never an HS algorithm where asymmetric keys are configured); signature
 * by a key that `alg` and `kid` select; `exp` and `sub` required; `aud` (all or any of the
 * configured audiences), `iss` when configured, `nbf` and `iat` checked with the clock tolerance.
 * Every refusal is a 401 `AuthError` saying why.
 */
export function createTokenVerifier(options: Options, keys: KeySource, now: () => Date, logger: Logger) {
  const audiences = typeof options.audience === 'string' ? [options.audience] : options.audience;
  const allowed: readonly string[] = options.algorithms;

  return async function verifyToken(token: string): Promise<VerifiedClaims> {
    if (token.length > options.maxTokenLength) throw invalidToken('the token is too large');
    if (token.split('.').length !== 3) throw invalidToken('malformed token');
    let header: JWSHeaderParameters;
    try {
      header = decodeProtectedHeader(token) as JWSHeaderParameters;
    } catch {
      throw invalidToken('malformed token');
    }
    // Checked before any key lookup, so a bad alg never costs a JWK set fetch.
    if (typeof header.alg !== 'string' || !allowed.includes(header.alg)) throw invalidToken('algorithm not allowed');

    const candidates = await keys.keysFor(header);
    if (!candidates.length) throw invalidToken('no key matches the token');
    return checkClaims(await verifyWithAny(token, candidates));
  };

  /** Verifies with each candidate key in turn until one signature matches; jose checks the claims. */
  async function verifyWithAny(token: string, candidates: VerificationKey[]): Promise<JWTPayload> {
    let refusal: unknown;
    for (const key of candidates) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: options.algorithms,
          audience: audiences,
          ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
          currentDate: now(),
          clockTolerance: options.clockTolerance,
          requiredClaims: ['exp', 'sub'],
        });
        return payload;
      } catch (err) {
        // The next candidate key may have signed it; every other refusal is final.
        if (!(err instanceof errors.JWSSignatureVerificationFailed)) return refuse(err);
        refusal = err;
      }
    }
    return refuse(refusal);
  }

  function checkClaims(payload: JWTPayload): VerifiedClaims {
    const { sub, aud, iat } = payload;
    if (typeof sub !== 'string' || sub === '' || sub.length > MAX_SUBJECT_LENGTH) throw invalidToken('invalid sub claim');
    if (!options.requireAnyAudience) {
      const granted = typeof aud === 'string' ? [aud] : (aud ?? []);
      if (!audiences.every((a) => granted.includes(a))) throw invalidToken('wrong audience');
    }
    // jose checks a future `iat` only together with maxTokenAge.
    if (typeof iat === 'number' && iat > now().getTime() / 1000 + options.clockTolerance) {
      throw invalidToken('the token is issued in the future');
    }
    return payload as VerifiedClaims;
  }

  function refuse(err: unknown): never {
    if (!(err instanceof errors.JOSEError)) {
      // Not a verdict on the token (e.g. a key jose will not use): refused, and logged for the operator.
      logger.warn('express-auth-providers: custom-token verification error', {
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      });
    }
    throw invalidToken(reasonOf(err));
  }
}
