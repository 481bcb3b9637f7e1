import type { VerifiedIdentity } from '../../identity/verified-identity.js';

const MAX_EMAIL_LENGTH = 320;

/** A claim some providers send as a boolean and others as the string "true" or "false" (Apple). */
export const claimFlag = (value: unknown): boolean => value === true || value === 'true';

/**
 * The email a provider reports, and whether it verified the person controls it. Only a
 * verified email can link accounts (`linkByVerifiedEmail`); anything unusable is no email.
 */
export function reportedEmail(address: unknown, verified: boolean): Pick<VerifiedIdentity, 'email'> {
  if (typeof address !== 'string' || address.trim() === '' || address.length > MAX_EMAIL_LENGTH || !address.includes('@')) return {};
  return { email: { address, verified } };
}
