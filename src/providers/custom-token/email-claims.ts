import type { VerifiedIdentity } from '../../identity/verified-identity.js';
import { readClaim } from '../../model/claim-paths.js';
import type { ProviderOptions } from '../../options.js';

const MAX_EMAIL_LENGTH = 320;

/**
 * The email a verified token reports, per the `email` option: verified only when the
 * verified claim is the boolean `true` (a string "true", as some issuers send, is not
 * taken on trust). Absent without the option or without a usable email claim.
 */
export function emailFromClaims(
  claims: Record<string, unknown>,
  option: ProviderOptions['custom-token']['email'],
): Pick<VerifiedIdentity, 'email'> {
  if (!option) return {};
  const address = readClaim(claims, option.claim);
  if (typeof address !== 'string' || address.trim() === '' || address.length > MAX_EMAIL_LENGTH) return {};
  return { email: { address, verified: readClaim(claims, option.verifiedClaim) === true } };
}
