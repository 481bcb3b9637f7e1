import { randomUUID } from 'node:crypto';
import type { Collection, Db, Document, Filter } from 'mongodb';
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
import { guarded, insertSkippingDuplicates } from './mongo-errors.js';
import { dropUndefined, fromDoc, toDoc, unsetUndefined, type WithMongoId } from './mongo-documents.js';
import { INDEXES, type CollectionName } from './mongo-indexes.js';
import { detectAtomicUpdates } from './mongo-server.js';

export interface MongoStoreOptions {
  /** The host's database handle. Only types are imported from `mongodb`: the host brings the driver. */
  db: Db;
  /** Prefix of every collection name. @default 'auth_' */
  collectionPrefix?: string;
  /**
   * Whether the server applies a conditional update atomically (MongoDB does; FerretDB 1.x on
   * SQLite does not). True: a refresh-token rotation is one conditional `findOneAndUpdate`.
   * False: rotations are serialised by a lock (a unique insert). @default detected by `init()`
   * from the server's `buildInfo` (false on FerretDB); false until then
   */
  atomicUpdates?: boolean | undefined;
}

type Users = WithMongoId<Omit<UserRecord, 'id'>>;
type Sessions = WithMongoId<Omit<SessionRecord, 'id'>>;
type ApiKeys = WithMongoId<Omit<ApiKeyRecord, 'id'>>;
type Userpass = WithMongoId<Omit<UserpassRecord, 'email'>>;
type Tokens = WithMongoId<Omit<OneTimeTokenRecord, 'hash'>>;

/**
 * The MongoDB store. Every write touches one document; unique indexes, not
 * read-then-write checks, decide races. Needs no transactions, TTL or partial
 * indexes, so it also runs on MongoDB-compatible servers (FerretDB, DocumentDB).
 */
export class MongoStore implements Store {
  private readonly users: Collection<Users>;
  private readonly identities: Collection<WithMongoId<IdentityRecord>>;
  private readonly sessions: Collection<Sessions>;
  private readonly userpass: Collection<Userpass>;
  private readonly apiKeys: Collection<ApiKeys>;
  private readonly tokens: Collection<Tokens>;
  private readonly db: Db;
  private atomic: boolean | undefined;

  constructor(options: MongoStoreOptions) {
    if (!options || typeof options.db?.collection !== 'function') {
      throw new TypeError('MongoStore: options.db must be a mongodb Db');
    }
    if (options.atomicUpdates !== undefined && typeof options.atomicUpdates !== 'boolean') {
      throw new TypeError('MongoStore: options.atomicUpdates must be a boolean');
    }
    const prefix = options.collectionPrefix ?? 'auth_';
    const db = options.db;
    this.db = db;
    this.atomic = options.atomicUpdates;
    this.users = db.collection(`${prefix}users`);
    this.identities = db.collection(`${prefix}identities`);
    this.sessions = db.collection(`${prefix}sessions`);
    this.userpass = db.collection(`${prefix}userpass`);
    this.apiKeys = db.collection(`${prefix}api_keys`);
    this.tokens = db.collection(`${prefix}tokens`);
  }

  get atomicUpdates(): boolean {
    return this.atomic ?? false;
  }

  async init(): Promise<void> {
    const collections: Record<CollectionName, { createIndex: Collection['createIndex'] }> = {
      users: this.users,
      identities: this.identities,
      sessions: this.sessions,
      userpass: this.userpass,
      api_keys: this.apiKeys,
      tokens: this.tokens,
    };
    // One index per call, in sequence: FerretDB 1.x drops the connection when one
    // createIndexes call names several indexes that already exist.
    for (const index of INDEXES) {
      const key = Object.fromEntries(index.fields.map((field) => [field, 1]));
      const options = { name: index.name, ...(index.unique ? { unique: true } : {}) };
      await guarded('init', () => collections[index.collection].createIndex(key, options));
    }
    this.atomic ??= await guarded('init', () => detectAtomicUpdates(this.db));
  }

  insertUser(user: UserRecord): Promise<void> {
    return guarded('users', async () => void (await this.users.insertOne(toDoc(user, 'id'))));
  }

  getUser(id: string): Promise<UserRecord | null> {
    return guarded('users', async () => fromDoc(await this.users.findOne({ _id: id }), 'id'));
  }

  updateUser(id: string, patch: UserPatch): Promise<UserRecord | null> {
    return guarded('users', async () =>
      fromDoc(await this.users.findOneAndUpdate({ _id: id }, unsetUndefined(patch), { returnDocument: 'after' }), 'id'),
    );
  }

  recordUserLogin(id: string, login: UserLogin): Promise<UserRecord | null> {
    const filter: Filter<Users> = { _id: id, disabled: false, providers: login.providerType };
    if (login.notAnonymous) filter.anonymous = false;
    const $set: Document = { lastAuthAt: login.lastAuthAt };
    // Field by field (metadata field names hold no "." or "$"), so the other fields of `data` stay.
    for (const [field, value] of Object.entries(login.data ?? {})) if (value !== undefined) $set[`data.${field}`] = value;
    return guarded('users', async () =>
      fromDoc(await this.users.findOneAndUpdate(filter, { $set }, { returnDocument: 'after' }), 'id'),
    );
  }

  deleteUser(id: string): Promise<boolean> {
    return guarded('users', async () => (await this.users.deleteOne({ _id: id })).deletedCount === 1);
  }

  listUsers(query: UserQuery): Promise<UserRecord[]> {
    const filter: Filter<Users> = {};
    if (query.after !== undefined || query.ids !== undefined) {
      filter._id = {
        ...(query.after !== undefined ? { $gt: query.after } : {}),
        ...(query.ids !== undefined ? { $in: query.ids } : {}),
      };
    }
    if (query.type !== undefined) filter.type = query.type;
    if (query.disabled !== undefined) filter.disabled = query.disabled;
    if (query.anonymous !== undefined) filter.anonymous = query.anonymous;
    if (query.lastAuthBefore !== undefined) filter.lastAuthAt = { $lt: query.lastAuthBefore };
    if (query.email !== undefined) (filter as Document)['data.email'] = query.email;
    return guarded('users', async () =>
      (await this.users.find(filter).sort({ _id: 1 }).limit(query.limit).toArray()).map((d) => fromDoc(d, 'id')!),
    );
  }

  insertIdentity(identity: IdentityRecord): Promise<void> {
    return guarded('identities', async () =>
      void (await this.identities.insertOne({ _id: identityKey(identity.providerType, identity.id), ...dropUndefined(identity) })),
    );
  }

  getIdentity(providerType: ProviderType, id: string): Promise<IdentityRecord | null> {
    return guarded('identities', async () =>
      stripId(await this.identities.findOne({ _id: identityKey(providerType, id) })),
    );
  }

  listIdentities(userId: string): Promise<IdentityRecord[]> {
    return guarded('identities', () =>
      this.identities.find({ userId }, { projection: { _id: 0 } }).sort({ createdAt: 1 }).toArray(),
    );
  }

  listIdentitiesByEmail(address: string): Promise<IdentityRecord[]> {
    return guarded('identities', () =>
      this.identities.find({ 'email.address': address }, { projection: { _id: 0 } }).sort({ createdAt: 1 }).toArray(),
    );
  }

  listIdentitiesByProvider(
    providerType: ProviderType,
    query: { limit: number; afterUserId?: string | undefined },
  ): Promise<IdentityRecord[]> {
    const filter: Filter<WithMongoId<IdentityRecord>> =
      query.afterUserId === undefined ? { providerType } : { providerType, userId: { $gt: query.afterUserId } };
    return guarded('identities', () =>
      this.identities.find(filter, { projection: { _id: 0 } }).sort({ userId: 1, id: 1 }).limit(query.limit).toArray(),
    );
  }

  updateIdentity(
    providerType: ProviderType,
    id: string,
    patch: IdentityPatch,
    returning: 'after' | 'before' = 'after',
  ): Promise<IdentityRecord | null> {
    return guarded('identities', async () =>
      stripId(
        // No projection: FerretDB 1.x does not implement one on findAndModify.
        await this.identities.findOneAndUpdate({ _id: identityKey(providerType, id) }, unsetUndefined(patch), {
          returnDocument: returning,
        }),
      ),
    );
  }

  deleteIdentity(providerType: ProviderType, id: string): Promise<boolean> {
    return guarded('identities', async () => (await this.identities.deleteOne({ _id: identityKey(providerType, id) })).deletedCount === 1);
  }

  deleteIdentitiesOfUser(userId: string): Promise<number> {
    return guarded('identities', async () => (await this.identities.deleteMany({ userId })).deletedCount);
  }

  insertSession(session: SessionRecord): Promise<void> {
    return guarded('sessions', async () => void (await this.sessions.insertOne(toDoc(session, 'id'))));
  }

  getSession(id: string, now: Date): Promise<SessionRecord | null> {
    return guarded('sessions', async () => fromDoc(await this.sessions.findOne({ _id: id, expiresAt: { $gt: now } }), 'id'));
  }

  rotateSession(id: string, expectedHash: string, newHash: string, now: Date): Promise<SessionRecord | null> {
    const rotate = async () =>
      fromDoc(
        await this.sessions.findOneAndUpdate(
          { _id: id, refreshHash: expectedHash, expiresAt: { $gt: now }, client: { $exists: false } },
          { $set: { refreshHash: newHash, previousHash: expectedHash, rotatedAt: now, lastUsedAt: now } },
          { returnDocument: 'after' },
        ),
        'id',
      );
    return guarded('sessions', async () => {
      if (this.atomicUpdates) return rotate();
      // Where a conditional update reads, then writes (FerretDB 1.x), concurrent rotations of a
      // session are serialised by a lock (a unique insert); one that crashed holding it is
      // retried once it expires.
      const key = `rotate:${id}`;
      const holder = await this.acquireLock(key, now, 60_000);
      if (!holder) return null;
      // A release that fails must not turn a stored rotation into an error: the client would
      // keep the old token, whose next use then reads as reuse. The lock expires anyway.
      return rotate().finally(() => this.releaseLock(key, holder).catch(() => undefined));
    });
  }

  touchSession(id: string, now: Date): Promise<void> {
    return guarded('sessions', async () => void (await this.sessions.updateOne({ _id: id }, { $set: { lastUsedAt: now } })));
  }

  deleteSession(id: string): Promise<boolean> {
    return guarded('sessions', async () => (await this.sessions.deleteOne({ _id: id })).deletedCount === 1);
  }

  endSession(id: string, refreshHash: string, now: Date): Promise<SessionRecord | null> {
    return guarded('sessions', async () =>
      fromDoc(await this.sessions.findOneAndDelete({ _id: id, refreshHash, expiresAt: { $gt: now } }), 'id'),
    );
  }

  deleteSessionsOfUser(userId: string): Promise<number> {
    return guarded('sessions', async () => (await this.sessions.deleteMany({ userId })).deletedCount);
  }

  listSessions(userId: string, now: Date): Promise<SessionRecord[]> {
    return guarded('sessions', async () =>
      (await this.sessions.find({ userId, expiresAt: { $gt: now } }).sort({ createdAt: 1 }).toArray()).map(
        (d) => fromDoc(d, 'id')!,
      ),
    );
  }

  insertUserpass(record: UserpassRecord): Promise<void> {
    return guarded('userpass', async () => void (await this.userpass.insertOne(toDoc(record, 'email'))));
  }

  getUserpass(email: string): Promise<UserpassRecord | null> {
    return guarded('userpass', async () => fromDoc(await this.userpass.findOne({ _id: email }), 'email'));
  }

  getUserpassByIdentity(identityId: string): Promise<UserpassRecord | null> {
    return guarded('userpass', async () => fromDoc(await this.userpass.findOne({ identityId }), 'email'));
  }

  updateUserpass(
    email: string,
    patch: UserpassPatch,
    expectStatus?: UserpassRecord['status'],
  ): Promise<UserpassRecord | null> {
    const filter: Filter<Userpass> = expectStatus === undefined ? { _id: email } : { _id: email, status: expectStatus };
    return guarded('userpass', async () =>
      fromDoc(await this.userpass.findOneAndUpdate(filter, unsetUndefined(patch), { returnDocument: 'after' }), 'email'),
    );
  }

  replacePasswordHash(email: string, expectedHash: string, newHash: string, now: Date): Promise<boolean> {
    return guarded('userpass', async () => {
      const result = await this.userpass.updateOne(
        { _id: email, passwordHash: expectedHash },
        { $set: { passwordHash: newHash, updatedAt: now } },
      );
      return result.modifiedCount === 1;
    });
  }

  deleteUserpass(email: string, expectStatus?: UserpassRecord['status']): Promise<boolean> {
    const filter: Filter<Userpass> = expectStatus === undefined ? { _id: email } : { _id: email, status: expectStatus };
    return guarded('userpass', async () => (await this.userpass.deleteOne(filter)).deletedCount === 1);
  }

  listUserpass(query: UserpassQuery): Promise<UserpassRecord[]> {
    const filter: Filter<Userpass> = {};
    if (query.after !== undefined) filter._id = { $gt: query.after };
    if (query.status !== undefined) filter.status = query.status;
    return guarded('userpass', async () =>
      (await this.userpass.find(filter).sort({ _id: 1 }).limit(query.limit).toArray()).map((d) => fromDoc(d, 'email')!),
    );
  }

  insertApiKey(key: ApiKeyRecord): Promise<void> {
    return guarded('api_keys', async () => void (await this.apiKeys.insertOne(toDoc(key, 'id'))));
  }

  getApiKey(id: string): Promise<ApiKeyRecord | null> {
    return guarded('api_keys', async () => fromDoc(await this.apiKeys.findOne({ _id: id }), 'id'));
  }

  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | null> {
    return guarded('api_keys', async () => fromDoc(await this.apiKeys.findOne({ keyHash: hash }), 'id'));
  }

  listApiKeys(query: { userId: string } | { server: true }): Promise<ApiKeyRecord[]> {
    const filter: Filter<ApiKeys> = 'userId' in query ? { userId: query.userId } : { server: true };
    return guarded('api_keys', async () =>
      (await this.apiKeys.find(filter).sort({ createdAt: 1, _id: 1 }).toArray()).map((d) => fromDoc(d, 'id')!),
    );
  }

  updateApiKey(id: string, patch: ApiKeyPatch): Promise<ApiKeyRecord | null> {
    return guarded('api_keys', async () =>
      fromDoc(await this.apiKeys.findOneAndUpdate({ _id: id }, unsetUndefined(patch), { returnDocument: 'after' }), 'id'),
    );
  }

  deleteApiKey(id: string): Promise<boolean> {
    return guarded('api_keys', async () => (await this.apiKeys.deleteOne({ _id: id })).deletedCount === 1);
  }

  deleteApiKeysOfUser(userId: string): Promise<number> {
    return guarded('api_keys', async () => (await this.apiKeys.deleteMany({ userId })).deletedCount);
  }

  insertToken(token: OneTimeTokenRecord): Promise<void> {
    return guarded('tokens', async () => void (await this.tokens.insertOne(toDoc(token, 'hash'))));
  }

  consumeToken(hash: string, purpose: OneTimeTokenPurpose, now: Date): Promise<OneTimeTokenRecord | null> {
    return guarded('tokens', async () => {
      let token: OneTimeTokenRecord | null;
      if (this.atomicUpdates) token = fromDoc(await this.tokens.findOneAndDelete({ _id: hash, purpose }), 'hash');
      else {
        token = fromDoc(await this.tokens.findOne({ _id: hash, purpose }), 'hash');
        // deleteOne by _id is atomic everywhere: of concurrent consumers only one deletes it.
        if (!token || (await this.tokens.deleteOne({ _id: hash })).deletedCount !== 1) return null;
      }
      return token && token.expiresAt > now ? token : null;
    });
  }

  deleteTokensOfSubject(subject: string, purpose?: OneTimeTokenPurpose): Promise<number> {
    const filter: Filter<Tokens> = purpose === undefined ? { subject } : { subject, purpose };
    return guarded('tokens', async () => (await this.tokens.deleteMany(filter)).deletedCount);
  }

  sweepExpired(now: Date): Promise<{ sessions: number; tokens: number }> {
    return guarded('sweep', async () => {
      const [sessions, tokens] = await Promise.all([
        this.sessions.deleteMany({ expiresAt: { $lte: now } }),
        this.tokens.deleteMany({ expiresAt: { $lte: now } }),
      ]);
      return { sessions: sessions.deletedCount, tokens: tokens.deletedCount };
    });
  }

  findMany(keys: BulkKeys): Promise<BulkRecords> {
    // Keyed by _id, in one $in each: FerretDB 1.x scans a collection per query, so per record would be quadratic.
    return guarded('bulk', async () => {
      const [users, identities, userpass] = await Promise.all([
        keys.users.length ? this.users.find({ _id: { $in: keys.users } }).toArray() : [],
        keys.identities.length
          ? this.identities.find({ _id: { $in: keys.identities.map((k) => identityKey(k.providerType, k.id)) } }).toArray()
          : [],
        keys.userpass.length ? this.userpass.find({ _id: { $in: keys.userpass } }).toArray() : [],
      ]);
      return {
        users: users.map((d) => fromDoc(d, 'id')!),
        identities: identities.map((d) => stripId(d)!),
        userpass: userpass.map((d) => fromDoc(d, 'email')!),
      };
    });
  }

  async insertMany(records: BulkRecords): Promise<BulkSkipped> {
    return {
      users: await insertSkippingDuplicates('users', this.users, records.users.map((u) => toDoc(u, 'id'))),
      identities: await insertSkippingDuplicates(
        'identities',
        this.identities,
        records.identities.map((i) => ({ _id: identityKey(i.providerType, i.id), ...dropUndefined(i) })),
      ),
      userpass: await insertSkippingDuplicates('userpass', this.userpass, records.userpass.map((r) => toDoc(r, 'email'))),
    };
  }

  acquireLock(key: string, now: Date, holdMs: number): Promise<string | null> {
    return guarded('tokens', async () => {
      const doc = {
        _id: `lock:${key}`,
        purpose: 'lock' as const,
        subject: randomUUID(),
        createdAt: now,
        expiresAt: new Date(now.getTime() + holdMs),
      };
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          await this.tokens.insertOne(doc);
          return doc.subject;
        } catch (err) {
          if ((err as { code?: unknown }).code !== 11000) throw err;
        }
        // Held: take it over only if it expired, then try the insert once more.
        if ((await this.tokens.deleteOne({ _id: doc._id, expiresAt: { $lte: now } })).deletedCount !== 1) return null;
      }
      return null;
    });
  }

  releaseLock(key: string, holder: string): Promise<void> {
    return guarded('tokens', async () => void (await this.tokens.deleteOne({ _id: `lock:${key}`, subject: holder })));
  }
}

/**
 * An identity's document id: its (providerType, id) key. Lookups by key are then
 * primary-key reads on every MongoDB-compatible server (FerretDB on SQLite pushes
 * down no other filter); the unique (providerType, id) index stays as SPEC §8 names it.
 */
function identityKey(providerType: string, id: string): string {
  return `${providerType}:${id}`;
}

function stripId<T extends object>(doc: (T & { _id?: unknown }) | null): T | null {
  if (!doc) return null;
  const { _id, ...rest } = doc;
  return rest as T;
}
