/** The records every store keeps. Field names are the documents' own (camelCase); the wire is snake_case. */

export const PROVIDER_TYPES = [
  'anon-user',
  'local-userpass',
  'api-key',
  'oauth2-google',
  'oauth2-facebook',
  'oauth2-apple',
  'custom-token',
  'custom-function',
] as const;

export type ProviderType = (typeof PROVIDER_TYPES)[number];

export type UserType = 'normal' | 'server';

/** Metadata fields mapped from a provider onto an identity and merged onto its user. */
export type Metadata = Record<string, unknown>;

export interface UserRecord {
  id: string;
  type: UserType;
  /** Merge of the identities' `data`, the most recent login winning per field. */
  data: Metadata;
  /** Host-owned document. */
  customData?: Record<string, unknown> | undefined;
  /** True while the user's only identities are anonymous ones; cleared when another identity is linked. */
  anonymous: boolean;
  /**
   * Provider types of the user's identities, kept beside them when they change, so a login or
   * a refresh reads the user alone (no listing of identities) to mint the token's claims.
   */
  providers?: ProviderType[] | undefined;
  disabled: boolean;
  createdAt: Date;
  lastAuthAt: Date;
}

export interface IdentityRecord {
  /** The provider's stable subject (see SPEC §2). Unique together with `providerType`. */
  id: string;
  providerType: ProviderType;
  userId: string;
  data: Metadata;
  /**
   * The email the provider reported at the last login, lower-cased, and whether the provider
   * verified it. Only a verified one can link accounts by email (see identity/email-link.ts).
   */
  email?: { address: string; verified: boolean } | undefined;
  createdAt: Date;
  lastLoginAt: Date;
}

/** The client dialect a session was opened for (see `SessionRecord.client`). */
export type SessionClient = 'app-services';

export interface SessionRecord {
  id: string;
  userId: string;
  /** SHA-256 (base64url) of the current refresh token. */
  refreshHash: string;
  /** Hash of the token it replaced, accepted once more within the grace window. */
  previousHash?: string | undefined;
  /**
   * Key of the MAC that every refresh token of the session carries, so that a token rotated
   * away long ago is recognised as this session's (a reuse, which revokes it) rather than a
   * forgery. It proves a token was issued; it cannot make one that is accepted, which takes
   * the preimage of `refreshHash`.
   */
  tokenKey?: string | undefined;
  rotatedAt?: Date | undefined;
  device?: Record<string, unknown> | undefined;
  /** The identity the session was opened with, so revoking a credential (an API key) ends its sessions. */
  identity?: { providerType: ProviderType; id: string } | undefined;
  /**
   * `app-services` for a session opened through the App Services client routes: its clients keep
   * the first refresh token for the session's life, so it is never rotated, and its access tokens
   * carry App Services' claims. Absent: a native session, rotated on every refresh.
   */
  client?: SessionClient | undefined;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
}

/** Credential record of a local-userpass identity, keyed by the normalised email. */
export interface UserpassRecord {
  email: string;
  /** The identity id (stable across an email change). */
  identityId: string;
  passwordHash: string;
  /** `pending` until confirmed; pending records hold the email but cannot log in. */
  status: 'pending' | 'confirmed';
  createdAt: Date;
  updatedAt: Date;
}

export interface ApiKeyRecord {
  id: string;
  userId: string;
  name: string;
  /** SHA-256 (base64url) of the secret. */
  keyHash: string;
  disabled: boolean;
  /** True for server keys created through the admin API. */
  server: boolean;
  createdAt: Date;
  lastUsedAt?: Date | undefined;
}

/** `lock` marks a store-internal lock record (Store.acquireLock); `oauth-state` the state of a finished web login, kept so it is never used twice. */
export type OneTimeTokenPurpose = 'confirm' | 'reset' | 'exchange' | 'oauth-state' | 'lock';

/** Confirmation, reset and OAuth exchange tokens: single use, stored hashed. */
export interface OneTimeTokenRecord {
  /** SHA-256 (base64url) of the token. */
  hash: string;
  purpose: OneTimeTokenPurpose;
  /** The public half sent beside the token (App Services' `tokenId`). */
  tokenId?: string | undefined;
  /** Whom the token is for: an email, a user id… */
  subject: string;
  payload?: Record<string, unknown> | undefined;
  createdAt: Date;
  expiresAt: Date;
}
