import type {
  ApiKeyRecord,
  IdentityRecord,
  Metadata,
  OneTimeTokenPurpose,
  OneTimeTokenRecord,
  ProviderType,
  SessionRecord,
  UserpassRecord,
  UserRecord,
  UserType,
} from '../model/types.js';

/**
 * Where users, identities, sessions, credentials and one-time tokens live.
 *
 * Every method is atomic on one record; nothing needs a transaction. Unique keys
 * (identity `(providerType, id)`, userpass email, API key hash and `(userId, name)`,
 * session refresh hash) are enforced by the store itself: an insert that would break
 * one rejects with `DuplicateKeyError`. Expiry is checked by the store at read time.
 * A store that cannot reach its database rejects with `StoreUnavailableError`.
 * Records returned are copies: mutating them changes nothing stored.
 */
export interface Store {
  /** Creates indexes; idempotent. */
  init(): Promise<void>;

  /**
   * True when a conditional update is one atomic compare-and-set (MongoDB, MemoryStore), so a
   * caller may send one before reading (a refresh rotates, then reads the user). Absent or false
   * (FerretDB 1.x): `rotateSession` serialises rotations with a lock, and a refresh reads first.
   */
  readonly atomicUpdates?: boolean;

  insertUser(user: UserRecord): Promise<void>;
  getUser(id: string): Promise<UserRecord | null>;
  updateUser(id: string, patch: UserPatch): Promise<UserRecord | null>;
  /**
   * A login's update of its user in one write: `lastAuthAt`, and each field of `login.data` set
   * over the user's `data` (its other fields stay). Applied only to an enabled user that already
   * lists `login.providerType` and, with `notAnonymous`, is not anonymous; null otherwise (the
   * user is missing, disabled, or needs its derived fields recomputed).
   */
  recordUserLogin(id: string, login: UserLogin): Promise<UserRecord | null>;
  deleteUser(id: string): Promise<boolean>;
  /** Users ordered by id, `after` exclusive. */
  listUsers(query: UserQuery): Promise<UserRecord[]>;

  insertIdentity(identity: IdentityRecord): Promise<void>;
  getIdentity(providerType: ProviderType, id: string): Promise<IdentityRecord | null>;
  listIdentities(userId: string): Promise<IdentityRecord[]>;
  /** Identities whose `email.address` is this (already lower-cased) address. */
  listIdentitiesByEmail(address: string): Promise<IdentityRecord[]>;
  /** Identities of one provider type, ordered by user id then id; `afterUserId` exclusive. */
  listIdentitiesByProvider(
    providerType: ProviderType,
    query: { limit: number; afterUserId?: string | undefined },
  ): Promise<IdentityRecord[]>;
  /** Updates an identity; returns it as it is after the update, or with `'before'` as it was. */
  updateIdentity(
    providerType: ProviderType,
    id: string,
    patch: IdentityPatch,
    returning?: 'after' | 'before',
  ): Promise<IdentityRecord | null>;
  deleteIdentity(providerType: ProviderType, id: string): Promise<boolean>;
  deleteIdentitiesOfUser(userId: string): Promise<number>;

  insertSession(session: SessionRecord): Promise<void>;
  /** A live (unexpired) session by id. */
  getSession(id: string, now: Date): Promise<SessionRecord | null>;
  /**
   * Replaces the refresh hash of a live session that rotates (one without `client`) only if it
   * is still `expectedHash` (compare-and-set), so two concurrent rotations of one token cannot
   * both win. Returns the session as rotated, or null when nothing matched.
   */
  rotateSession(id: string, expectedHash: string, newHash: string, now: Date): Promise<SessionRecord | null>;
  /** Records a use of a session that keeps its refresh token (no rotation): `lastUsedAt` only. */
  touchSession(id: string, now: Date): Promise<void>;
  deleteSession(id: string): Promise<boolean>;
  /** Deletes the live session whose current refresh hash is `refreshHash`; returns it, or null when none matched. */
  endSession(id: string, refreshHash: string, now: Date): Promise<SessionRecord | null>;
  deleteSessionsOfUser(userId: string): Promise<number>;
  listSessions(userId: string, now: Date): Promise<SessionRecord[]>;

  insertUserpass(record: UserpassRecord): Promise<void>;
  getUserpass(email: string): Promise<UserpassRecord | null>;
  getUserpassByIdentity(identityId: string): Promise<UserpassRecord | null>;
  /** Updates the record; with `expectStatus`, only when its status is still that one. */
  updateUserpass(
    email: string,
    patch: UserpassPatch,
    expectStatus?: UserpassRecord['status'],
  ): Promise<UserpassRecord | null>;
  /**
   * Replaces the password hash only if it is still `expectedHash` (a rehash at login must
   * not undo a reset that landed meanwhile); false when it was not. On servers whose
   * conditional updates are not atomic (FerretDB 1.x) a narrow window remains.
   */
  replacePasswordHash(email: string, expectedHash: string, newHash: string, now: Date): Promise<boolean>;
  /** Deletes the record; with `expectStatus`, only when its status is that one. */
  deleteUserpass(email: string, expectStatus?: UserpassRecord['status']): Promise<boolean>;
  /** Records ordered by email, `after` exclusive. */
  listUserpass(query: UserpassQuery): Promise<UserpassRecord[]>;

  insertApiKey(key: ApiKeyRecord): Promise<void>;
  getApiKey(id: string): Promise<ApiKeyRecord | null>;
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | null>;
  /** Keys of one user, or all server keys; ordered by creation. */
  listApiKeys(query: { userId: string } | { server: true }): Promise<ApiKeyRecord[]>;
  updateApiKey(id: string, patch: ApiKeyPatch): Promise<ApiKeyRecord | null>;
  deleteApiKey(id: string): Promise<boolean>;
  deleteApiKeysOfUser(userId: string): Promise<number>;

  insertToken(token: OneTimeTokenRecord): Promise<void>;
  /**
   * Atomically removes and returns the unexpired token with this hash and purpose;
   * of two concurrent consumers at most one receives it.
   */
  consumeToken(hash: string, purpose: OneTimeTokenPurpose, now: Date): Promise<OneTimeTokenRecord | null>;
  deleteTokensOfSubject(subject: string, purpose?: OneTimeTokenPurpose): Promise<number>;

  /**
   * Takes the named lock for `holdMs`: returns a holder id, or null while another holder
   * has it. A lock whose holder never released it (a crash) is taken over once expired.
   * Built on a unique insert, so it is exclusive even where conditional updates are not atomic.
   */
  acquireLock(key: string, now: Date, holdMs: number): Promise<string | null>;
  /** Releases a lock, only if `holder` still holds it. */
  releaseLock(key: string, holder: string): Promise<void>;

  /** Removes expired sessions, tokens and locks (for servers without TTL indexes). */
  sweepExpired(now: Date): Promise<{ sessions: number; tokens: number }>;

  /**
   * Bulk reads for an import: the users, identities and credentials with these keys that
   * exist, in one query per collection (one scan each on servers that use no index, rather
   * than one per record).
   */
  findMany(keys: BulkKeys): Promise<BulkRecords>;
  /**
   * Bulk writes for an import: inserts the users, then the identities, then the credentials
   * (in that order, so an identity is never stored before its user), one round trip per
   * collection. A record whose unique key is taken is skipped, not an error: the answer lists
   * the positions of the skipped ones. A failure part-way may leave some records written.
   */
  insertMany(records: BulkRecords): Promise<BulkSkipped>;
}

export interface BulkKeys {
  users: string[];
  identities: { providerType: ProviderType; id: string }[];
  /** Normalised emails. */
  userpass: string[];
}

export interface BulkRecords {
  users: UserRecord[];
  identities: IdentityRecord[];
  userpass: UserpassRecord[];
}

/** Positions, in each list given to `insertMany`, of the records skipped because their unique key was taken. */
export interface BulkSkipped {
  users: number[];
  identities: number[];
  userpass: number[];
}

export type UserPatch = Partial<
  Pick<UserRecord, 'data' | 'customData' | 'anonymous' | 'providers' | 'disabled' | 'lastAuthAt'>
>;
/** What `recordUserLogin` writes (`lastAuthAt`, `data`), and whom it writes to (`providerType`, `notAnonymous`). */
export interface UserLogin {
  providerType: ProviderType;
  lastAuthAt: Date;
  data?: Metadata | undefined;
  notAnonymous: boolean;
}
export type IdentityPatch = Partial<Pick<IdentityRecord, 'data' | 'email' | 'lastLoginAt'>>;
export type UserpassPatch = Partial<Pick<UserpassRecord, 'passwordHash' | 'status' | 'updatedAt'>>;
export type ApiKeyPatch = Partial<Pick<ApiKeyRecord, 'disabled' | 'lastUsedAt'>>;

export interface UserQuery {
  limit: number;
  after?: string | undefined;
  ids?: string[] | undefined;
  type?: UserType | undefined;
  disabled?: boolean | undefined;
  anonymous?: boolean | undefined;
  /** Users whose last login was before this instant. */
  lastAuthBefore?: Date | undefined;
  /** Exact match on `data.email`. */
  email?: string | undefined;
}

export interface UserpassQuery {
  limit: number;
  after?: string | undefined;
  status?: UserpassRecord['status'] | undefined;
}
