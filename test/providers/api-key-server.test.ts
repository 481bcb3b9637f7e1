import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { AuthError } from '../../src/errors.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { Store } from '../../src/store/store.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { apiKeyApp, bearer, createKey, loginWithKey, permanentUser } from './api-key.helpers.js';
import { storeCases } from '../support/stores.js';

const stores = storeCases('apikey_server');

const rejectsWith = (promise: Promise<unknown>, code: string) =>
  expect(promise).rejects.toSatisfy((err) => err instanceof AuthError && err.code === code);

describe.each(stores)('api-key server keys, $name', ({ make: makeStore }) => {
  let store: Store;
  let t: TestApp;
  beforeEach(() => {
    store = makeStore();
    t = apiKeyApp(store);
  });

  it('creates a key with a server user of its own; logging in with it yields that user, of type server', async () => {
    const created = await t.auth.users.apiKeys.createServerKey('billing');
    expect(created).toMatchObject({ name: 'billing', disabled: false });
    expect(created.key).toMatch(/^eapk_/);
    expect(await store.getUser(created.userId)).toMatchObject({ type: 'server', data: { name: 'billing' }, anonymous: false });

    const login = await loginWithKey(t, created.key).expect(200);
    expect(login.body.user_id).toBe(created.userId);
    const profile = await request(t.app).get('/auth/profile').set(bearer(login.body.access_token)).expect(200);
    expect(profile.body).toMatchObject({ user_id: created.userId, type: 'server', data: { name: 'billing' } });
    expect(profile.body.identities).toEqual([
      { id: created.id, provider_type: 'api-key', provider_id: 'api-key', data: { name: 'billing' } },
    ]);
    const host = await request(t.app).get('/posts').set(bearer(login.body.access_token)).expect(200);
    expect(host.body.user).toMatchObject({ id: created.userId, type: 'server', providers: ['api-key'] });
  });

  it('lists and gets server keys without their secret, and not user keys', async () => {
    const created = await t.auth.users.apiKeys.createServerKey('reports');
    const alice = await permanentUser(t);
    const userKey = await createKey(t, alice, 'mine');
    const { key, ...shown } = created;
    expect(await t.auth.users.apiKeys.list()).toEqual([shown]);
    expect(await t.auth.users.apiKeys.get(created.id)).toEqual(shown);
    expect(JSON.stringify(await t.auth.users.apiKeys.list())).not.toContain(key.slice(5, -6));
    await rejectsWith(t.auth.users.apiKeys.get(userKey._id), 'APIKeyNotFound');
    await rejectsWith(t.auth.users.apiKeys.disable(userKey._id), 'APIKeyNotFound');
    await rejectsWith(t.auth.users.apiKeys.get('0123456789abcdef01234567'), 'APIKeyNotFound');
  });

  it('disabling refuses logins and ends the server user’s sessions; enabling lets it in again (both idempotent)', async () => {
    const created = await t.auth.users.apiKeys.createServerKey('nightly');
    const session = (await loginWithKey(t, created.key).expect(200)).body;
    await t.auth.users.apiKeys.disable(created.id);
    await t.auth.users.apiKeys.disable(created.id);
    expect((await loginWithKey(t, created.key).expect(401)).body.error_code).toBe('AuthError');
    await request(t.app).post('/auth/session').set(bearer(session.refresh_token)).expect(401);
    await request(t.app).get('/live').set(bearer(session.access_token)).expect(401);
    await t.auth.users.apiKeys.enable(created.id);
    await t.auth.users.apiKeys.enable(created.id);
    expect((await loginWithKey(t, created.key).expect(200)).body.user_id).toBe(created.userId);
  });

  it('deleting removes the key, its identity, its user and their sessions', async () => {
    const created = await t.auth.users.apiKeys.createServerKey('gone');
    const session = (await loginWithKey(t, created.key).expect(200)).body;
    await t.auth.users.apiKeys.delete(created.id);
    await loginWithKey(t, created.key).expect(401);
    await request(t.app).post('/auth/session').set(bearer(session.refresh_token)).expect(401);
    expect(await store.getUser(created.userId)).toBeNull();
    expect(await store.getIdentity('api-key', created.id)).toBeNull();
    expect(await t.auth.users.apiKeys.list()).toEqual([]);
    await rejectsWith(t.auth.users.apiKeys.delete(created.id), 'APIKeyNotFound');
  });

  it('deleting the server user (auth.users.delete) removes its key', async () => {
    const created = await t.auth.users.apiKeys.createServerKey('with-user');
    expect(await t.auth.users.delete(created.userId)).toBe(true);
    await loginWithKey(t, created.key).expect(401);
    expect(await t.auth.users.apiKeys.list()).toEqual([]);
  });

  it('refuses bad names with InvalidParameter and a name in use with APIKeyAlreadyExists', async () => {
    for (const name of ['', 'no spaces', 'ü', 'x'.repeat(65), 7 as unknown as string]) {
      await rejectsWith(t.auth.users.apiKeys.createServerKey(name), 'InvalidParameter');
    }
    await t.auth.users.apiKeys.createServerKey('twin');
    await rejectsWith(t.auth.users.apiKeys.createServerKey('twin'), 'APIKeyAlreadyExists');
    expect(await t.auth.users.apiKeys.list()).toHaveLength(1);
    expect(await store.listUsers({ limit: 10, type: 'server' })).toHaveLength(1);
  });

  it('refuses a server key past maxServerKeys with ApiKeyLimitReached, leaving no user behind', async () => {
    const small = apiKeyApp(makeStore(), { maxServerKeys: 2 });
    await small.auth.users.apiKeys.createServerKey('one');
    await small.auth.users.apiKeys.createServerKey('two');
    await rejectsWith(small.auth.users.apiKeys.createServerKey('three'), 'ApiKeyLimitReached');
    expect(await small.auth.store.listUsers({ limit: 10, type: 'server' })).toHaveLength(2);
  });

  it('keeps server users out of the user API key routes', async () => {
    const created = await t.auth.users.apiKeys.createServerKey('robot');
    const login = (await loginWithKey(t, created.key).expect(200)).body;
    const res = await request(t.app).post('/auth/api_keys').set(bearer(login.access_token)).send({ name: 'more' }).expect(403);
    expect(res.body.error_code).toBe('Forbidden');
    await request(t.app).get('/auth/api_keys').set(bearer(login.access_token)).expect(403);
  });
});

describe('api-key server keys: defaults and a disabled provider', () => {
  it('allows 100 server keys by default and refuses the 101st', async () => {
    const t = apiKeyApp(new MemoryStore());
    for (let i = 0; i < 100; i++) await t.auth.users.apiKeys.createServerKey(`k${i}`);
    await rejectsWith(t.auth.users.apiKeys.createServerKey('k100'), 'ApiKeyLimitReached');
  });

  it('fails every server key call with ProviderNotEnabled when api-key is off, and has no /api_keys routes', async () => {
    const t = createTestApp({ store: new MemoryStore(), providers: { 'anon-user': {} } });
    await rejectsWith(t.auth.users.apiKeys.createServerKey('x'), 'ProviderNotEnabled');
    await rejectsWith(t.auth.users.apiKeys.list(), 'ProviderNotEnabled');
    expect((await loginWithKey(t, 'eapk_x').expect(404)).body.error_code).toBe('ProviderNotEnabled');
    await request(t.app).get('/auth/api_keys').expect(404);
  });

  it('refuses wrong provider options at createAuth with a TypeError naming the option', () => {
    for (const bad of [{ maxKeysPerUser: 0 }, { maxServerKeys: 1.5 }, { requestCacheMs: -1 }, { unknown: true }]) {
      expect(() => apiKeyApp(new MemoryStore(), bad)).toThrow(/options\.providers\.api-key/);
    }
  });
});
