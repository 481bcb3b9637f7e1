import { randomUUID } from 'node:crypto';
import { DuplicateKeyError } from '../../errors.js';
import type {
  ApiKeyRecord,
  IdentityRecord,
  OneTimeTokenPurpose,
  OneTimeTokenRecord,
  ProviderType,
  SessionRecord,
  UserpassRecord,
  UserRecord,
} from '../../model/types.js';
import type {
  ApiKeyPatch,
  BulkKeys,
  BulkRecords,
  BulkSkipped,
  IdentityPatch,
  Store,
  UserLogin,
  UserPatch,
  UserpassPatch,
  UserpassQuery,
  UserQuery,
} from '../store.js';
import { Table } from './table.js';

const copy = <T>(value: T): T => structuredClone(value);
const copyOrNull = <T>(value: T | undefined): T | null => (value === undefined ? null : copy(value));
const byKey = <T>(key: (v: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
/** A key's name is unique per user. */
const keyNameOf = (key: ApiKeyRecord) => `${key.userId}\u0000${key.name}`;
const identityKey = (providerType: string, id: string) => `${providerType}\u0000${id}`;

/**
 * The reference store: plain maps in one process. For demos and fast tests;
 * it keeps nothing across restarts and is not shared between processes.
 */
export class MemoryStore implements Store {
  /** One process, one thread: every method below is atomic. */
  readonly atomicUpdates = true;
  private readonly users = new Map<string, UserRecord>();
  private readonly identities = new Table<IdentityRecord, 'user'>({ user: (i) => i.userId });
  private readonly sessions = new Table<SessionRecord, 'user' | 'refresh'>({ user: (s) => s.userId, refresh: (s) => s.refreshHash });
  private readonly userpass = new Map<string, UserpassRecord>();
  private readonly apiKeys = new Table<ApiKeyRecord, 'user' | 'hash' | 'name'>({
    user: (k) => k.userId,
    hash: (k) => k.keyHash,
    name: keyNameOf,
  });
  private readonly tokens = new Map<string, OneTimeTokenRecord>();
  private readonly locks = new Map<string, { holder: string; expiresAt: Date }>();

  async init(): Promise<void> {}

  async insertUser(user: UserRecord): Promise<void> {
    if (this.users.has(user.id)) throw new DuplicateKeyError('users');
    this.users.set(user.id, copy(user));
  }

  async getUser(id: string): Promise<UserRecord | null> {
    return copyOrNull(this.users.get(id));
  }

  async updateUser(id: string, patch: UserPatch): Promise<UserRecord | null> {
    const user = this.users.get(id);
    if (!user) return null;
    Object.assign(user, copy(patch));
    return copy(user);
  }

  async recordUserLogin(id: string, login: UserLogin): Promise<UserRecord | null> {
    const user = this.users.get(id);
    if (!user || user.disabled || !user.providers?.includes(login.providerType) || (login.notAnonymous && user.anonymous)) {
      return null;
    }
    user.lastAuthAt = login.lastAuthAt;
    for (const [field, value] of Object.entries(login.data ?? {})) if (value !== undefined) user.data[field] = copy(value);
    return copy(user);
  }

  async deleteUser(id: string): Promise<boolean> {
    return this.users.delete(id);
  }

  async listUsers(query: UserQuery): Promise<UserRecord[]> {
    const ids = query.ids ? new Set(query.ids) : undefined;
    return [...this.users.values()]
      .filter(
        (u) =>
          (query.after === undefined || u.id > query.after) &&
          (ids === undefined || ids.has(u.id)) &&
          (query.type === undefined || u.type === query.type) &&
          (query.disabled === undefined || u.disabled === query.disabled) &&
          (query.anonymous === undefined || u.anonymous === query.anonymous) &&
          (query.lastAuthBefore === undefined || u.lastAuthAt < query.lastAuthBefore) &&
          (query.email === undefined || u.data['email'] === query.email),
      )
      .sort(byKey((u) => u.id))
      .slice(0, query.limit)
      .map(copy);
  }

  async insertIdentity(identity: IdentityRecord): Promise<void> {
    const key = identityKey(identity.providerType, identity.id);
    if (this.identities.has(key)) throw new DuplicateKeyError('identities');
    this.identities.set(key, copy(identity));
  }

  async getIdentity(providerType: ProviderType, id: string): Promise<IdentityRecord | null> {
    return copyOrNull(this.identities.get(identityKey(providerType, id)));
  }

  async listIdentities(userId: string): Promise<IdentityRecord[]> {
    return this.identities
      .find('user', userId)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .map(copy);
  }

  async listIdentitiesByEmail(address: string): Promise<IdentityRecord[]> {
    return [...this.identities.values()]
      .filter((i) => i.email?.address === address)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .map(copy);
  }

  async listIdentitiesByProvider(
    providerType: ProviderType,
    query: { limit: number; afterUserId?: string | undefined },
  ): Promise<IdentityRecord[]> {
    return [...this.identities.values()]
      .filter((i) => i.providerType === providerType && (query.afterUserId === undefined || i.userId > query.afterUserId))
      .sort(byKey((i) => `${i.userId}\u0000${i.id}`))
      .slice(0, query.limit)
      .map(copy);
  }

  async updateIdentity(
    providerType: ProviderType,
    id: string,
    patch: IdentityPatch,
    returning: 'after' | 'before' = 'after',
  ): Promise<IdentityRecord | null> {
    const identity = this.identities.get(identityKey(providerType, id));
    if (!identity) return null;
    const before = copy(identity);
    Object.assign(identity, copy(patch));
    return returning === 'before' ? before : copy(identity);
  }

  async deleteIdentity(providerType: ProviderType, id: string): Promise<boolean> {
    return this.identities.delete(identityKey(providerType, id));
  }

  async deleteIdentitiesOfUser(userId: string): Promise<number> {
    return this.identities.deleteWhere(() => true, { index: 'user', key: userId });
  }

  async insertSession(session: SessionRecord): Promise<void> {
    if (this.sessions.has(session.id) || this.sessions.first('refresh', session.refreshHash) !== undefined) {
      throw new DuplicateKeyError('sessions');
    }
    this.sessions.set(session.id, copy(session));
  }

  async getSession(id: string, now: Date): Promise<SessionRecord | null> {
    const session = this.sessions.get(id);
    return session && session.expiresAt > now ? copy(session) : null;
  }

  async rotateSession(id: string, expectedHash: string, newHash: string, now: Date): Promise<SessionRecord | null> {
    const session = this.sessions.get(id);
    if (!session || session.refreshHash !== expectedHash || session.expiresAt <= now || session.client !== undefined) return null;
    this.sessions.update(id, (s) => Object.assign(s, { previousHash: expectedHash, refreshHash: newHash, rotatedAt: now, lastUsedAt: now }));
    return copy(session);
  }

  async touchSession(id: string, now: Date): Promise<void> {
    const session = this.sessions.get(id);
    if (session) session.lastUsedAt = now;
  }

  async deleteSession(id: string): Promise<boolean> {
    return this.sessions.delete(id);
  }

  async endSession(id: string, refreshHash: string, now: Date): Promise<SessionRecord | null> {
    const session = this.sessions.get(id);
    if (!session || session.refreshHash !== refreshHash || session.expiresAt <= now) return null;
    this.sessions.delete(id);
    return session;
  }

  async deleteSessionsOfUser(userId: string): Promise<number> {
    return this.sessions.deleteWhere(() => true, { index: 'user', key: userId });
  }

  async listSessions(userId: string, now: Date): Promise<SessionRecord[]> {
    return this.sessions
      .find('user', userId)
      .filter((s) => s.expiresAt > now)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .map(copy);
  }

  async insertUserpass(record: UserpassRecord): Promise<void> {
    if (this.userpass.has(record.email)) throw new DuplicateKeyError('userpass');
    this.userpass.set(record.email, copy(record));
  }

  async getUserpass(email: string): Promise<UserpassRecord | null> {
    return copyOrNull(this.userpass.get(email));
  }

  async getUserpassByIdentity(identityId: string): Promise<UserpassRecord | null> {
    return copyOrNull(this.findBy(this.userpass, (r) => r.identityId === identityId));
  }

  async updateUserpass(
    email: string,
    patch: UserpassPatch,
    expectStatus?: UserpassRecord['status'],
  ): Promise<UserpassRecord | null> {
    const record = this.userpass.get(email);
    if (!record || (expectStatus !== undefined && record.status !== expectStatus)) return null;
    Object.assign(record, copy(patch));
    return copy(record);
  }

  async replacePasswordHash(email: string, expectedHash: string, newHash: string, now: Date): Promise<boolean> {
    const record = this.userpass.get(email);
    if (!record || record.passwordHash !== expectedHash) return false;
    Object.assign(record, { passwordHash: newHash, updatedAt: now });
    return true;
  }

  async deleteUserpass(email: string, expectStatus?: UserpassRecord['status']): Promise<boolean> {
    const record = this.userpass.get(email);
    if (!record || (expectStatus !== undefined && record.status !== expectStatus)) return false;
    return this.userpass.delete(email);
  }

  async listUserpass(query: UserpassQuery): Promise<UserpassRecord[]> {
    return [...this.userpass.values()]
      .filter(
        (r) =>
          (query.after === undefined || r.email > query.after) &&
          (query.status === undefined || r.status === query.status),
      )
      .sort(byKey((r) => r.email))
      .slice(0, query.limit)
      .map(copy);
  }

  async insertApiKey(key: ApiKeyRecord): Promise<void> {
    const clash =
      this.apiKeys.has(key.id) ||
      this.apiKeys.first('hash', key.keyHash) !== undefined ||
      this.apiKeys.first('name', keyNameOf(key)) !== undefined;
    if (clash) throw new DuplicateKeyError('api_keys');
    this.apiKeys.set(key.id, copy(key));
  }

  async getApiKey(id: string): Promise<ApiKeyRecord | null> {
    return copyOrNull(this.apiKeys.get(id));
  }

  async findApiKeyByHash(hash: string): Promise<ApiKeyRecord | null> {
    return copyOrNull(this.apiKeys.first('hash', hash));
  }

  async listApiKeys(query: { userId: string } | { server: true }): Promise<ApiKeyRecord[]> {
    const keys = 'userId' in query ? this.apiKeys.find('user', query.userId) : [...this.apiKeys.values()].filter((k) => k.server);
    return keys
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .map(copy);
  }

  async updateApiKey(id: string, patch: ApiKeyPatch): Promise<ApiKeyRecord | null> {
    const key = this.apiKeys.get(id);
    if (!key) return null;
    Object.assign(key, copy(patch));
    return copy(key);
  }

  async deleteApiKey(id: string): Promise<boolean> {
    return this.apiKeys.delete(id);
  }

  async deleteApiKeysOfUser(userId: string): Promise<number> {
    return this.apiKeys.deleteWhere(() => true, { index: 'user', key: userId });
  }

  async insertToken(token: OneTimeTokenRecord): Promise<void> {
    if (this.tokens.has(token.hash)) throw new DuplicateKeyError('tokens');
    this.tokens.set(token.hash, copy(token));
  }

  async consumeToken(hash: string, purpose: OneTimeTokenPurpose, now: Date): Promise<OneTimeTokenRecord | null> {
    const token = this.tokens.get(hash);
    if (!token || token.purpose !== purpose) return null;
    this.tokens.delete(hash);
    return token.expiresAt > now ? token : null;
  }

  async deleteTokensOfSubject(subject: string, purpose?: OneTimeTokenPurpose): Promise<number> {
    return this.deleteWhere(this.tokens, (t) => t.subject === subject && (purpose === undefined || t.purpose === purpose));
  }

  async acquireLock(key: string, now: Date, holdMs: number): Promise<string | null> {
    const held = this.locks.get(key);
    if (held && held.expiresAt > now) return null;
    const holder = randomUUID();
    this.locks.set(key, { holder, expiresAt: new Date(now.getTime() + holdMs) });
    return holder;
  }

  async releaseLock(key: string, holder: string): Promise<void> {
    if (this.locks.get(key)?.holder === holder) this.locks.delete(key);
  }

  async sweepExpired(now: Date): Promise<{ sessions: number; tokens: number }> {
    return {
      sessions: this.sessions.deleteWhere((s) => s.expiresAt <= now),
      tokens: this.deleteWhere(this.tokens, (t) => t.expiresAt <= now) + this.deleteWhere(this.locks, (l) => l.expiresAt <= now),
    };
  }

  async findMany(keys: BulkKeys): Promise<BulkRecords> {
    const found = <T>(values: (T | undefined)[]) => values.filter((v): v is T => v !== undefined).map(copy);
    return {
      users: found(keys.users.map((id) => this.users.get(id))),
      identities: found(keys.identities.map((k) => this.identities.get(identityKey(k.providerType, k.id)))),
      userpass: found(keys.userpass.map((email) => this.userpass.get(email))),
    };
  }

  async insertMany(records: BulkRecords): Promise<BulkSkipped> {
    const each = async <T>(list: T[], insert: (record: T) => Promise<void>) => {
      const skipped: number[] = [];
      for (const [i, record] of list.entries()) {
        await insert(record).catch((err: unknown) => {
          if (!(err instanceof DuplicateKeyError)) throw err;
          skipped.push(i);
        });
      }
      return skipped;
    };
    return {
      users: await each(records.users, (u) => this.insertUser(u)),
      identities: await each(records.identities, (i) => this.insertIdentity(i)),
      userpass: await each(records.userpass, (r) => this.insertUserpass(r)),
    };
  }

  private findBy<T>(map: Map<string, T>, match: (value: T) => boolean): T | undefined {
    for (const value of map.values()) if (match(value)) return value;
    return undefined;
  }

  private deleteWhere<T>(map: Map<string, T>, match: (value: T) => boolean): number {
    let count = 0;
    for (const [key, value] of map) {
      if (match(value)) {
        map.delete(key);
        count++;
      }
    }
    return count;
  }
}
