import { errors } from 'jose';

/** Why jose refused a token, in words a client developer can act on (never the token's content). */
export function reasonOf(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'the token has expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return `missing ${err.claim} claim`;
    switch (err.claim) {
      case 'aud':
        return 'wrong audience';
      case 'iss':
        return 'wrong issuer';
      case 'nbf':
        return 'the token is not yet valid';
      default:
        return `invalid ${err.claim} claim`;
    }
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'signature verification failed';
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return 'malformed token';
  return 'the token could not be verified';
}
