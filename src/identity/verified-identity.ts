import type { Metadata, ProviderType, UserType } from '../model/types.js';

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
  /** An email the provider vouches for, and whether it verified it. */
  email?: { address: string; verified: boolean } | undefined;
  /** The type of a user created by this login. @default 'normal' */
  userType?: UserType | undefined;
}
