import type { IdentityRecord, Metadata, ProviderType, UserType } from '../model/types.js';

/**
 * What every provider's strategy hands on after checking a credential: who the
 * provider says this is. The identity layer turns it into a user.
 */
export interface VerifiedIdentity {
  providerType: ProviderType;
  /** The provider's stable subject for this person (SPEC §2). */
  id: string;
  /** Metadata mapped from the provider; replaces the identity's data on each login. */
  data?: Metadata | undefined;
  /**
   * An email the provider reports, and whether the provider itself verified that this person
   * controls it (an OIDC `email_verified` claim that is exactly true, a confirmed registration).
   * Only a verified email can link accounts (option `linkByVerifiedEmail`); say false when unsure.
   */
  email?: { address: string; verified: boolean } | undefined;
  /** The type of a user created by this login. @default 'normal' */
  userType?: UserType | undefined;
  /**
   * For an identity its provider writes along with a credential of its own (an API key's): the
   * user it belongs to, and how to restore it where a crash left the credential without it
   * (`restore` writes it under that user, or refuses). A login then reaches that user and never
   * creates one for it; a link to any other user is refused.
   */
  owner?: { userId: string; restore: () => Promise<void> } | undefined;
}

/** The key emails are matched on: trimmed, NFC, lower-cased (as local-userpass keys its accounts). */
export function emailKey(address: string): string {
  return address.trim().normalize('NFC').toLowerCase();
}

/** The record of a verified identity, new to `userId`. */
export function newIdentityRecord(verified: VerifiedIdentity, userId: string, now: Date): IdentityRecord {
  return {
    id: verified.id,
    providerType: verified.providerType,
    userId,
    data: verified.data ?? {},
    ...identityEmail(verified),
    createdAt: now,
    lastLoginAt: now,
  };
}

/** The identity record's `email` field for a verified identity (absent when the provider reported none). */
export function identityEmail(verified: VerifiedIdentity): Pick<IdentityRecord, 'email'> {
  const email = verified.email;
  if (!email || typeof email.address !== 'string' || email.address.trim() === '') return {};
  return { email: { address: emailKey(email.address), verified: email.verified === true } };
}
