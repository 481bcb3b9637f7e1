import { AuthError } from '../../errors.js';
import { commonPasswords } from './common-passwords.js';

export interface PasswordPolicy {
  minLength: number;
  maxLength: number;
  blocklist: string[];
}

/**
 * The exact string that is hashed: NFKC, so the same password typed on different
 * keyboards or input methods matches (NIST 800-63B). Never truncated.
 */
export function normalisePassword(raw: string): string {
  return raw.normalize('NFKC');
}

/** Characters as NIST counts them: Unicode code points. */
const length = (s: string) => [...s].length;

/** Refuses a password longer than the policy allows, before any hashing (login included). */
export function checkLength(password: string, policy: PasswordPolicy): void {
  const n = length(password);
  if (n < policy.minLength || n > policy.maxLength) {
    throw new AuthError(
      'InvalidParameter',
      `password must be between ${policy.minLength} and ${policy.maxLength} characters`,
    );
  }
}

/** Refuses a new password that is on the common-password list or the host's blocklist. */
export async function checkNotCommon(password: string, policy: PasswordPolicy): Promise<void> {
  const lower = password.toLowerCase();
  if ((await commonPasswords()).has(lower) || policy.blocklist.some((w) => w.toLowerCase() === lower)) {
    throw tooWeak();
  }
}

/**
 * Refuses a new password derived from the account's email: the address itself, or
 * its local part (at least 4 characters) making up half the password or more.
 */
export function checkNotFromEmail(password: string, email: string): void {
  const lower = password.toLowerCase();
  const local = email.slice(0, email.lastIndexOf('@'));
  if (lower.includes(email) || (local.length >= 4 && lower.includes(local) && local.length * 2 >= lower.length)) {
    throw tooWeak();
  }
}

/** Every rule for a new password (register, reset); returns the string to hash. */
export async function acceptNewPassword(raw: string, email: string, policy: PasswordPolicy): Promise<string> {
  const password = normalisePassword(raw);
  checkLength(password, policy);
  await checkNotCommon(password, policy);
  checkNotFromEmail(password, email);
  return password;
}

const tooWeak = () => new AuthError('PasswordTooWeak', 'password is too common or too easy to guess');
