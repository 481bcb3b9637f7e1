import { randomBytes } from 'node:crypto';

const b64 = (bytes: number) => randomBytes(bytes).toString('base64').replace(/=+$/, '');

/**
 * A password hash that no password matches, for the credentials of imported email/password
 * users (App Services never lets its hashes out): a well-formed argon2id hash, with the
 * provider's default parameters, of a digest drawn at random. A login is checked against it
 * like any other (same time, same `InvalidPassword`) until a password reset replaces it.
 */
export function unusablePasswordHash(): string {
  return `$argon2id$v=19$m=19456,t=2,p=1$${b64(16)}$${b64(32)}`;
}
