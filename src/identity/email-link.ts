import type { IdentityRecord, ProviderType } from '../model/types.js';
import type { Logger } from '../options.js';
import type { Store } from '../store/store.js';
import { assertLinkable } from './link-rules.js';
import { identityEmail, type VerifiedIdentity } from './verified-identity.js';

/** The `linkByVerifiedEmail` policy and what it needs from the rest of the package. */
export interface EmailLinkPolicy {
  /** Providers whose verified email may link a first login to an existing user. Empty: off. */
  providers: readonly ProviderType[];
  logger: Logger;
  /** Removes a provider's own records (credentials, keys) of an identity. */
  forget: (identity: IdentityRecord) => Promise<void>;
  /** Ends every session of a user. */
  revokeSessions: (userId: string) => Promise<number>;
  /**
   * Asks every provider to drop credentials that claim this address without having proven it
   * (a pending email/password registration); returns the users whose identities went with them.
   */
  revokeUnverifiedEmail: (address: string) => Promise<string[]>;
}

/**
 * The pre-account-takeover guard, run on the first login of an identity whose provider verified
 * its email. Proven ownership of the address first revokes every unproven claim to it (an
 * attacker's unconfirmed registration, and the sessions of whoever held it), then picks the
 * one existing user whose own identity verified the same address. Unverified emails, on
 * either side, never link: an unconfirmed registration cannot capture a later provider login.
 *
 * Revocation happens before the caller inserts the new identity, so a failure in between
 * leaves a state the next login completes.
 *
 * @returns the id of the user to link the new identity to, or undefined for a new user.
 */
export async function emailLinkTarget(
  store: Store,
  policy: EmailLinkPolicy,
  verified: VerifiedIdentity,
): Promise<string | undefined> {
  const email = identityEmail(verified).email;
  if (!email?.verified || !policy.providers.includes(verified.providerType)) return undefined;

  for (const userId of await policy.revokeUnverifiedEmail(email.address)) await policy.revokeSessions(userId);

  const claims = await store.listIdentitiesByEmail(email.address);
  const owners = [...new Set(claims.filter((i) => i.email?.verified === true).map((i) => i.userId))];
  if (owners.length !== 1) {
    if (owners.length > 1) {
      policy.logger.warn('express-auth-providers: several users hold this verified email; not linking by email', {
        providerType: verified.providerType,
        users: owners.length,
      });
    }
    return undefined;
  }
  const userId = owners[0]!;
  const user = await store.getUser(userId);
  if (!user) return undefined;
  try {
    await assertLinkable(verified, () => store.listIdentities(userId));
  } catch {
    return undefined; // e.g. a second email/password identity: a user of its own instead
  }

  // The owner's own unproven claims to the address go too, with every session they may have opened.
  const unverified = claims.filter((i) => i.userId === userId && i.email?.verified !== true);
  for (const identity of unverified) {
    await policy.forget(identity);
    await store.deleteIdentity(identity.providerType, identity.id);
  }
  if (unverified.length > 0) await policy.revokeSessions(userId);
  return userId;
}
