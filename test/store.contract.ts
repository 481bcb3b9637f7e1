/**
 * The Store contract: one suite, fed each implementation by a thin runner
 * (store.memory.test.ts, store.mongo.test.ts). A new store passes this or it is not a store.
 */
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { DuplicateKeyError } from '../src/errors.js';
import type { ApiKeyRecord, IdentityRecord, SessionRecord, UserRecord } from '../src/model/types.js';
import type { Store } from '../src/store/store.js';

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

export const user = (over: Partial<UserRecord> = {}): UserRecord => ({
  id: randomUUID(),
  type: 'normal',
  data: {},
  anonymous: false,
  disabled: false,
  createdAt: T0,
  lastAuthAt: T0,
  ...over,
});

const identity = (userId: string, over: Partial<IdentityRecord> = {}): IdentityRecord => ({
  id: randomUUID(),
  providerType: 'anon-user',
  userId,
  data: {},
  createdAt: T0,
  lastLoginAt: T0,
  ...over,
});

const session = (userId: string, over: Partial<SessionRecord> = {}): SessionRecord => ({
  id: randomUUID(),
  userId,
  refreshHash: randomUUID(),
  createdAt: T0,
  lastUsedAt: T0,
  expiresAt: at(3600),
  ...over,
});

const apiKey = (userId: string, over: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  id: randomUUID(),
  userId,
  name: `key-${randomUUID().slice(0, 8)}`,
  keyHash: randomUUID(),
  disabled: false,
  server: false,
  createdAt: T0,
  ...over,
});

export interface ContractOptions {
  /**
   * Whether concurrent conditional updates exclude each other here. False for a store that
   * takes them as atomic on a server that does not apply them atomically (FerretDB 1.x): its
   * behaviour is checked one call at a time, and the tests that race them are skipped.
   */
  exclusiveUpdates: boolean;
}

export function storeContract(name: string, makeStore: () => Promise<Store>, options: ContractOptions = { exclusiveUpdates: true }) {
  const racing = options.exclusiveUpdates ? it : it.skip;
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
      await store.init();
    });

    describe('init', () => {
      it('is idempotent', async () => {
        await expect(store.init()).resolves.toBeUndefined();
      });
    });

    describe('users', () => {
      it('stores, reads, updates and deletes a user', async () => {
        const u = user({ data: { email: 'a@example.com' }, customData: { plan: 'pro' } });
        await store.insertUser(u);
        expect(await store.getUser(u.id)).toEqual(u);
        const updated = await store.updateUser(u.id, { disabled: true, data: { name: 'A' } });
        expect(updated).toMatchObject({ id: u.id, disabled: true, data: { name: 'A' }, customData: { plan: 'pro' } });
        expect(await store.deleteUser(u.id)).toBe(true);
        expect(await store.getUser(u.id)).toBeNull();
        expect(await store.deleteUser(u.id)).toBe(false);
        expect(await store.updateUser(u.id, { disabled: false })).toBeNull();
      });

      it('removes customData when patched with undefined', async () => {
        const u = user({ customData: { a: 1 } });
        await store.insertUser(u);
        const updated = await store.updateUser(u.id, { customData: undefined });
        expect(updated?.customData).toBeUndefined();
      });

      it('rejects a second user with the same id', async () => {
        const u = user();
        await store.insertUser(u);
        await expect(store.insertUser(user({ id: u.id }))).rejects.toBeInstanceOf(DuplicateKeyError);
      });

      it('returns copies that do not change what is stored', async () => {
        const u = user({ data: { email: 'x@example.com' } });
        await store.insertUser(u);
        const read = (await store.getUser(u.id))!;
        read.data['email'] = 'changed';
        expect((await store.getUser(u.id))!.data['email']).toBe('x@example.com');
      });

      it('records a login in one write: lastAuthAt, and data field by field', async () => {
        const u = user({ data: { name: 'A', plan: 'pro' }, providers: ['custom-token', 'anon-user'] });
        await store.insertUser(u);
        const login = { providerType: 'custom-token' as const, lastAuthAt: at(5), data: { name: 'B', email: 'b@x.io' }, notAnonymous: true };
        const expected = { ...u, data: { name: 'B', plan: 'pro', email: 'b@x.io' }, lastAuthAt: at(5) };
        expect(await store.recordUserLogin(u.id, login)).toEqual(expected);
        expect(await store.getUser(u.id)).toEqual(expected);
        expect(await store.recordUserLogin(u.id, { ...login, lastAuthAt: at(6), data: undefined })).toEqual({ ...expected, lastAuthAt: at(6) });
      });

      it('records a login only for an enabled user listing the provider, and not anonymous unless the login is', async () => {
        const anon = user({ anonymous: true, providers: ['anon-user'] });
        const off = user({ disabled: true, providers: ['custom-token'] });
        const legacy = user();
        for (const u of [anon, off, legacy]) await store.insertUser(u);
        const login = (providerType: 'anon-user' | 'custom-token', notAnonymous: boolean) => ({ providerType, lastAuthAt: at(5), notAnonymous });
        expect(await store.recordUserLogin(anon.id, login('custom-token', true))).toBeNull();
        expect(await store.recordUserLogin(anon.id, login('anon-user', false))).toMatchObject({ lastAuthAt: at(5) });
        expect(await store.recordUserLogin(off.id, login('custom-token', true))).toBeNull();
        expect(await store.recordUserLogin(legacy.id, login('custom-token', true))).toBeNull();
        expect(await store.recordUserLogin('missing', login('custom-token', true))).toBeNull();
        expect(await store.getUser(off.id)).toEqual(off);
      });

      it('lists users in id order, paged with after, and filtered', async () => {
        const ids = ['u-a', 'u-b', 'u-c', 'u-d'];
        await store.insertUser(user({ id: 'u-a', anonymous: true, lastAuthAt: at(-100) }));
        await store.insertUser(user({ id: 'u-b', disabled: true, data: { email: 'b@example.com' } }));
        await store.insertUser(user({ id: 'u-c', type: 'server' }));
        await store.insertUser(user({ id: 'u-d', anonymous: true, lastAuthAt: at(100) }));
        const page1 = await store.listUsers({ limit: 2 });
        expect(page1.map((u) => u.id)).toEqual(ids.slice(0, 2));
        const page2 = await store.listUsers({ limit: 2, after: 'u-b' });
        expect(page2.map((u) => u.id)).toEqual(ids.slice(2));
        expect((await store.listUsers({ limit: 10, disabled: true })).map((u) => u.id)).toEqual(['u-b']);
        expect((await store.listUsers({ limit: 10, type: 'server' })).map((u) => u.id)).toEqual(['u-c']);
        expect((await store.listUsers({ limit: 10, email: 'b@example.com' })).map((u) => u.id)).toEqual(['u-b']);
        expect((await store.listUsers({ limit: 10, ids: ['u-c', 'u-a'] })).map((u) => u.id)).toEqual(['u-a', 'u-c']);
        const stale = await store.listUsers({ limit: 10, anonymous: true, lastAuthBefore: T0 });
        expect(stale.map((u) => u.id)).toEqual(['u-a']);
      });
    });

    describe('identities', () => {
      it('stores an identity under its (providerType, id) key and lists a user’s identities', async () => {
        const a = identity('user-1', { providerType: 'custom-token', id: 'sub-1', data: { email: 'e@x' } });
        const b = identity('user-1', { providerType: 'anon-user', createdAt: at(1) });
        await store.insertIdentity(a);
        await store.insertIdentity(b);
        expect(await store.getIdentity('custom-token', 'sub-1')).toEqual(a);
        expect(await store.getIdentity('custom-function', 'sub-1')).toBeNull();
        expect(await store.listIdentities('user-1')).toEqual([a, b]);
        expect(await store.listIdentities('user-2')).toEqual([]);
      });

      it('rejects the same (providerType, id) for another user', async () => {
        await store.insertIdentity(identity('user-1', { providerType: 'custom-token', id: 'same' }));
        await expect(
          store.insertIdentity(identity('user-2', { providerType: 'custom-token', id: 'same' })),
        ).rejects.toBeInstanceOf(DuplicateKeyError);
        // The same subject under another provider is a different identity.
        await expect(
          store.insertIdentity(identity('user-2', { providerType: 'custom-function', id: 'same' })),
        ).resolves.toBeUndefined();
      });

      it('lets exactly one of 20 concurrent creations of one identity win', async () => {
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) =>
            store.insertIdentity(identity(`user-${i}`, { providerType: 'custom-token', id: 'raced' })),
          ),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(19);
        for (const r of lost) expect(r.reason).toBeInstanceOf(DuplicateKeyError);
        const owner = (await store.getIdentity('custom-token', 'raced'))!.userId;
        expect(await store.listIdentities(owner)).toHaveLength(1);
      });

      it('updates, deletes one, and deletes all of a user’s identities', async () => {
        const a = identity('user-1', { providerType: 'custom-token', id: 'a' });
        await store.insertIdentity(a);
        await store.insertIdentity(identity('user-1', { providerType: 'custom-function', id: 'b' }));
        const updated = await store.updateIdentity('custom-token', 'a', { data: { name: 'N' }, lastLoginAt: at(5) });
        expect(updated).toEqual({ ...a, data: { name: 'N' }, lastLoginAt: at(5) });
        expect(await store.updateIdentity('custom-token', 'nope', { data: {} })).toBeNull();
        const before = await store.updateIdentity('custom-token', 'a', { lastLoginAt: at(6) }, 'before');
        expect(before).toEqual(updated);
        expect((await store.getIdentity('custom-token', 'a'))?.lastLoginAt).toEqual(at(6));
        expect(await store.deleteIdentity('custom-token', 'a')).toBe(true);
        expect(await store.deleteIdentity('custom-token', 'a')).toBe(false);
        expect(await store.deleteIdentitiesOfUser('user-1')).toBe(1);
        expect(await store.listIdentities('user-1')).toEqual([]);
      });

      it('finds identities by their email address and updates that email', async () => {
        const a = identity('user-1', { providerType: 'custom-token', id: 'a', email: { address: 'v@x.io', verified: true } });
        const b = identity('user-2', {
          providerType: 'local-userpass',
          id: 'b',
          email: { address: 'v@x.io', verified: false },
          createdAt: at(1),
        });
        await store.insertIdentity(a);
        await store.insertIdentity(b);
        await store.insertIdentity(identity('user-3', { providerType: 'custom-function', id: 'c' }));
        expect(await store.listIdentitiesByEmail('v@x.io')).toEqual([a, b]);
        expect(await store.listIdentitiesByEmail('other@x.io')).toEqual([]);
        const moved = await store.updateIdentity('local-userpass', 'b', { email: { address: 'w@x.io', verified: true } });
        expect(moved?.email).toEqual({ address: 'w@x.io', verified: true });
        expect(await store.listIdentitiesByEmail('v@x.io')).toEqual([a]);
      });

      it('lists one provider’s identities in user order, paged by user id', async () => {
        for (const [userId, id] of [['u-b', 'k2'], ['u-a', 'k1'], ['u-c', 'k3'], ['u-b', 'k0']] as const) {
          await store.insertIdentity(identity(userId, { providerType: 'api-key', id }));
        }
        await store.insertIdentity(identity('u-a', { providerType: 'anon-user', id: 'anon' }));
        const all = await store.listIdentitiesByProvider('api-key', { limit: 10 });
        expect(all.map((i) => [i.userId, i.id])).toEqual([['u-a', 'k1'], ['u-b', 'k0'], ['u-b', 'k2'], ['u-c', 'k3']]);
        const page = await store.listIdentitiesByProvider('api-key', { limit: 1, afterUserId: 'u-a' });
        expect(page.map((i) => i.id)).toEqual(['k0']);
        expect(await store.listIdentitiesByProvider('custom-token', { limit: 10 })).toEqual([]);
      });
    });

    describe('sessions', () => {
      it('finds a live session by id; an expired one is gone at read time', async () => {
        const s = session('user-1', { device: { platform: 'web' }, identity: { providerType: 'api-key', id: 'key-1' } });
        await store.insertSession(s);
        expect(await store.getSession(s.id, T0)).toEqual(s);
        expect(await store.getSession(s.id, at(3600))).toBeNull();
        expect(await store.getSession('unknown', T0)).toBeNull();
      });

      it('rotates a refresh hash with compare-and-set, keeping the previous hash, and answers the rotated session', async () => {
        const s = session('user-1', { refreshHash: 'h1', tokenKey: 'key' });
        await store.insertSession(s);
        const rotated = { ...s, refreshHash: 'h2', previousHash: 'h1', rotatedAt: at(10), lastUsedAt: at(10) };
        expect(await store.rotateSession(s.id, 'h1', 'h2', at(10))).toEqual(rotated);
        expect(await store.rotateSession(s.id, 'h1', 'h3', at(11))).toBeNull();
        expect(await store.getSession(s.id, at(12))).toEqual(rotated);
        expect(await store.rotateSession(s.id, 'h2', 'h3', at(3600))).toBeNull(); // expired
        expect(await store.rotateSession('unknown', 'h2', 'h3', at(12))).toBeNull();
      });

      it('never rotates a session that keeps its refresh token', async () => {
        const s = session('user-1', { refreshHash: 'kept', client: 'app-services' });
        await store.insertSession(s);
        expect(await store.rotateSession(s.id, 'kept', 'h2', at(10))).toBeNull();
        expect(await store.getSession(s.id, at(10))).toEqual(s);
      });

      racing('lets exactly one of concurrent rotations of the same token win', async () => {
        const s = session('user-1', { refreshHash: 'h0' });
        await store.insertSession(s);
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => store.rotateSession(s.id, 'h0', `next-${i}`, at(1))),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('touches a session that keeps its refresh token: lastUsedAt only, its hash and client stay', async () => {
        const s = session('user-1', { refreshHash: 'kept', client: 'app-services' });
        await store.insertSession(s);
        await store.touchSession(s.id, at(30));
        expect(await store.getSession(s.id, at(31))).toEqual({ ...s, lastUsedAt: at(30) });
        await expect(store.touchSession('unknown', at(30))).resolves.toBeUndefined();
      });

      it('rejects two sessions with the same refresh hash', async () => {
        await store.insertSession(session('user-1', { refreshHash: 'same' }));
        await expect(store.insertSession(session('user-2', { refreshHash: 'same' }))).rejects.toBeInstanceOf(
          DuplicateKeyError,
        );
      });

      it('ends a live session by its current refresh hash, answering it', async () => {
        const s = session('user-1', { refreshHash: 'h1', previousHash: 'h0' });
        await store.insertSession(s);
        expect(await store.endSession(s.id, 'h0', T0)).toBeNull();
        expect(await store.endSession(s.id, 'h1', at(3600))).toBeNull(); // expired
        expect(await store.endSession(s.id, 'h1', T0)).toEqual(s);
        expect(await store.getSession(s.id, T0)).toBeNull();
        expect(await store.endSession(s.id, 'h1', T0)).toBeNull();
      });

      it('lists, deletes one and deletes all of a user’s sessions', async () => {
        const a = session('user-1');
        const b = session('user-1', { createdAt: at(1) });
        await store.insertSession(a);
        await store.insertSession(b);
        await store.insertSession(session('user-2'));
        expect((await store.listSessions('user-1', T0)).map((s) => s.id)).toEqual([a.id, b.id]);
        expect(await store.deleteSession(a.id)).toBe(true);
        expect(await store.deleteSession(a.id)).toBe(false);
        expect(await store.deleteSessionsOfUser('user-1')).toBe(1);
        expect(await store.listSessions('user-1', T0)).toEqual([]);
        expect(await store.listSessions('user-2', T0)).toHaveLength(1);
      });
    });

    describe('userpass credentials', () => {
      const record = (email: string, status: 'pending' | 'confirmed' = 'pending') => ({
        email,
        identityId: `id-${email}`,
        passwordHash: '$argon2id$hash',
        status,
        createdAt: T0,
        updatedAt: T0,
      });

      it('keys a credential by its email and finds it by identity', async () => {
        await store.insertUserpass(record('a@example.com'));
        expect(await store.getUserpass('a@example.com')).toEqual(record('a@example.com'));
        expect(await store.getUserpassByIdentity('id-a@example.com')).toEqual(record('a@example.com'));
        await expect(store.insertUserpass(record('a@example.com'))).rejects.toBeInstanceOf(DuplicateKeyError);
      });

      it('lets exactly one of 20 concurrent registrations of one email win', async () => {
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, () => store.insertUserpass(record('race@example.com'))),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      });

      it('updates and deletes conditionally on status', async () => {
        await store.insertUserpass(record('p@example.com'));
        expect(await store.updateUserpass('p@example.com', { status: 'confirmed' }, 'confirmed')).toBeNull();
        expect(await store.updateUserpass('p@example.com', { status: 'confirmed' }, 'pending')).toMatchObject({
          status: 'confirmed',
        });
        expect(await store.deleteUserpass('p@example.com', 'pending')).toBe(false);
        expect(await store.deleteUserpass('p@example.com')).toBe(true);
        expect(await store.getUserpass('p@example.com')).toBeNull();
      });

      it('replaces a password hash only while it is still the expected one', async () => {
        await store.insertUserpass(record('h@example.com', 'confirmed'));
        expect(await store.replacePasswordHash('h@example.com', '$argon2id$other', '$argon2id$new', at(1))).toBe(false);
        expect(await store.replacePasswordHash('h@example.com', '$argon2id$hash', '$argon2id$new', at(1))).toBe(true);
        expect(await store.getUserpass('h@example.com')).toMatchObject({ passwordHash: '$argon2id$new', updatedAt: at(1) });
        expect(await store.replacePasswordHash('h@example.com', '$argon2id$hash', '$argon2id$newer', at(2))).toBe(false);
        expect(await store.replacePasswordHash('nobody@example.com', '$argon2id$hash', '$argon2id$new', at(2))).toBe(false);
      });

      it('lists credentials by status in email order', async () => {
        await store.insertUserpass(record('c@example.com'));
        await store.insertUserpass(record('a@example.com'));
        await store.insertUserpass(record('b@example.com', 'confirmed'));
        const pending = await store.listUserpass({ limit: 10, status: 'pending' });
        expect(pending.map((r) => r.email)).toEqual(['a@example.com', 'c@example.com']);
        const after = await store.listUserpass({ limit: 1, after: 'a@example.com' });
        expect(after.map((r) => r.email)).toEqual(['b@example.com']);
      });
    });

    describe('API keys', () => {
      it('finds a key by id and by hash, and lists a user’s keys', async () => {
        const k = apiKey('user-1');
        await store.insertApiKey(k);
        await store.insertApiKey(apiKey('user-1', { createdAt: at(1) }));
        expect(await store.getApiKey(k.id)).toEqual(k);
        expect(await store.findApiKeyByHash(k.keyHash)).toEqual(k);
        expect(await store.findApiKeyByHash('unknown')).toBeNull();
        expect((await store.listApiKeys({ userId: 'user-1' }))[0]).toEqual(k);
        expect(await store.listApiKeys({ userId: 'user-1' })).toHaveLength(2);
      });

      it('enforces a unique hash and a unique name per user', async () => {
        const k = apiKey('user-1', { name: 'ci' });
        await store.insertApiKey(k);
        await expect(store.insertApiKey(apiKey('user-2', { keyHash: k.keyHash }))).rejects.toBeInstanceOf(
          DuplicateKeyError,
        );
        await expect(store.insertApiKey(apiKey('user-1', { name: 'ci' }))).rejects.toBeInstanceOf(DuplicateKeyError);
        await expect(store.insertApiKey(apiKey('user-2', { name: 'ci' }))).resolves.toBeUndefined();
      });

      it('lists server keys, updates, and deletes', async () => {
        const server = apiKey('server-user', { server: true });
        await store.insertApiKey(server);
        await store.insertApiKey(apiKey('user-1'));
        expect((await store.listApiKeys({ server: true })).map((k) => k.id)).toEqual([server.id]);
        expect(await store.updateApiKey(server.id, { disabled: true, lastUsedAt: at(3) })).toMatchObject({
          disabled: true,
          lastUsedAt: at(3),
        });
        expect(await store.deleteApiKey(server.id)).toBe(true);
        expect(await store.deleteApiKey(server.id)).toBe(false);
        expect(await store.findApiKeyByHash(server.keyHash)).toBeNull();
        const [own] = await store.listApiKeys({ userId: 'user-1' });
        expect(await store.deleteApiKeysOfUser('user-1')).toBe(1);
        expect(await store.findApiKeyByHash(own!.keyHash)).toBeNull();
      });
    });

    describe('one-time tokens', () => {
      const token = (hash: string, expiresAt = at(1800)) => ({
        hash,
        purpose: 'confirm' as const,
        tokenId: 'tid',
        subject: 'a@example.com',
        createdAt: T0,
        expiresAt,
      });

      it('is consumed once, only for its purpose', async () => {
        await store.insertToken(token('t1'));
        expect(await store.consumeToken('t1', 'reset', T0)).toBeNull();
        expect(await store.consumeToken('t1', 'confirm', T0)).toEqual(token('t1'));
        expect(await store.consumeToken('t1', 'confirm', T0)).toBeNull();
      });

      it('is not returned once expired', async () => {
        await store.insertToken(token('t2', at(10)));
        expect(await store.consumeToken('t2', 'confirm', at(10))).toBeNull();
      });

      racing('goes to at most one of 10 concurrent consumers', async () => {
        await store.insertToken(token('t3'));
        const results = await Promise.all(Array.from({ length: 10 }, () => store.consumeToken('t3', 'confirm', T0)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('deletes a subject’s tokens', async () => {
        await store.insertToken(token('t4'));
        await store.insertToken({ ...token('t5'), purpose: 'reset' });
        expect(await store.deleteTokensOfSubject('a@example.com', 'reset')).toBe(1);
        expect(await store.deleteTokensOfSubject('a@example.com')).toBe(1);
      });
    });

    describe('locks', () => {
      it('gives a lock to one holder at a time, and again once released', async () => {
        const holder = await store.acquireLock('user-1', T0, 30_000);
        expect(holder).toEqual(expect.any(String));
        expect(await store.acquireLock('user-1', at(1), 30_000)).toBeNull();
        expect(await store.acquireLock('user-2', at(1), 30_000)).not.toBeNull();
        await store.releaseLock('user-1', 'not-the-holder');
        expect(await store.acquireLock('user-1', at(2), 30_000)).toBeNull();
        await store.releaseLock('user-1', holder!);
        expect(await store.acquireLock('user-1', at(3), 30_000)).not.toBeNull();
      });

      it('hands an expired lock to the next caller, and the old holder cannot release it', async () => {
        const crashed = await store.acquireLock('k', T0, 10_000);
        const next = await store.acquireLock('k', at(10), 10_000);
        expect(next).not.toBeNull();
        await store.releaseLock('k', crashed!);
        expect(await store.acquireLock('k', at(11), 10_000)).toBeNull();
      });

      it('gives one of 10 concurrent callers the lock', async () => {
        const holders = await Promise.all(Array.from({ length: 10 }, () => store.acquireLock('raced', T0, 30_000)));
        expect(holders.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('bulk import', () => {
      const credential = (email: string, identityId: string) => ({
        email,
        identityId,
        passwordHash: 'h',
        status: 'confirmed' as const,
        createdAt: T0,
        updatedAt: T0,
      });

      it('inserts users, identities and credentials, and finds them again by their keys', async () => {
        const u = user({ providers: ['local-userpass'] });
        const i = identity(u.id, { providerType: 'local-userpass', id: 'lp-1', data: { email: 'a@example.com' } });
        const c = credential('a@example.com', 'lp-1');
        expect(await store.insertMany({ users: [u], identities: [i], userpass: [c] })).toEqual({ users: [], identities: [], userpass: [] });
        expect(await store.getUser(u.id)).toEqual(u);
        expect(await store.getIdentity('local-userpass', 'lp-1')).toEqual(i);
        expect(await store.getUserpass('a@example.com')).toEqual(c);
        const found = await store.findMany({
          users: [u.id, 'missing'],
          identities: [{ providerType: 'local-userpass', id: 'lp-1' }, { providerType: 'anon-user', id: 'lp-1' }],
          userpass: ['a@example.com', 'b@example.com'],
        });
        expect(found).toEqual({ users: [u], identities: [i], userpass: [c] });
        expect(await store.findMany({ users: [], identities: [], userpass: [] })).toEqual({ users: [], identities: [], userpass: [] });
      });

      it('skips records whose unique key is taken, lists their positions, and writes the others', async () => {
        const taken = user();
        await store.insertUser(taken);
        await store.insertIdentity(identity(taken.id, { providerType: 'custom-token', id: 'sub-1' }));
        await store.insertUserpass(credential('taken@example.com', 'other'));
        const fresh = [user(), user()];
        const skipped = await store.insertMany({
          users: [fresh[0]!, { ...taken, data: { changed: true } }, fresh[1]!],
          identities: [
            identity(fresh[0]!.id, { providerType: 'custom-token', id: 'sub-1' }),
            identity(fresh[0]!.id, { providerType: 'custom-token', id: 'sub-2' }),
            identity(fresh[1]!.id, { providerType: 'custom-token', id: 'sub-2' }),
          ],
          userpass: [credential('taken@example.com', 'mine'), credential('new@example.com', 'mine')],
        });
        expect(skipped).toEqual({ users: [1], identities: [0, 2], userpass: [0] });
        expect((await store.getUser(taken.id))?.data).toEqual({});
        expect((await store.getIdentity('custom-token', 'sub-1'))?.userId).toBe(taken.id);
        expect((await store.getIdentity('custom-token', 'sub-2'))?.userId).toBe(fresh[0]!.id);
        expect((await store.getUserpass('taken@example.com'))?.identityId).toBe('other');
        expect((await store.getUserpass('new@example.com'))?.identityId).toBe('mine');
        expect(await store.getUser(fresh[1]!.id)).not.toBeNull();
      });
    });

    describe('sweepExpired', () => {
      it('removes expired sessions and tokens and keeps live ones', async () => {
        await store.insertSession(session('u', { expiresAt: at(10) }));
        const live = session('u', { expiresAt: at(100) });
        await store.insertSession(live);
        await store.insertToken({ hash: 'x', purpose: 'reset', subject: 's', createdAt: T0, expiresAt: at(5) });
        expect(await store.sweepExpired(at(50))).toEqual({ sessions: 1, tokens: 1 });
        expect(await store.getSession(live.id, at(50))).not.toBeNull();
      });
    });
  });
}
