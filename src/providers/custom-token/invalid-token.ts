import { AuthError } from '../../errors.js';

export { reasonOf } from '../../tokens/jose-reasons.js';

/** The 401 of a refused custom token, in App Services' wording. */
export function invalidToken(reason: string): AuthError {
  return new AuthError('AuthError', `invalid custom auth token: ${reason}`);
}
