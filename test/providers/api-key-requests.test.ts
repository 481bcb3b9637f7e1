import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import type { Store } from '../../src/store/store.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { apiKeyApp, bearer, createKey, permanentUser, type TestUser } from './api-key.helpers.js';
import { storeCases } from '../support/stores.js';

const stores = storeCases('apikey_requests');
const apiKeyHeader = (key: string) => ({ Authorization: `ApiKey ${key}` });

/** The test app plus host routes that accept API keys. */
function withKeyRoutes(t: TestApp): TestApp {
  t.app.get('/service', t.auth.requireUser({ apiKeys: true }), (req, res) => void res.json({ user: req.user }));
  t.app.get('/servers-only', t.auth.requireUser({ apiKeys: true, types: ['server'] }), (_req, res) => void res.json({}));
  return t;
}

describe.each(stores)('requireUser({ apiKeys: true }), $name', ({ make: makeStore }) => {
  let store: Store;
  let t: TestApp;
  let alice: TestUser;
  beforeEach(async () => {
    store = makeStore();
    t = withKeyRoutes(apiKeyApp(store, { requestCacheMs: 5_000 }));
    alice = await permanentUser(t);
  });

  it('authenticates Authorization: ApiKey <key> as the key’s user without a login', async () => {
    const { _id: id, key } = await createKey(t, alice, 'robot');
    const res = await request(t.app).get('/service').set(apiKeyHeader(key)).expect(200);
    expect(res.body.user).toEqual({
      id: alice.id,
      type: 'normal',
      providers: expect.arrayContaining(['anon-user', 'api-key']),
      anonymous: false,
      sessionId: '',
      apiKeyId: id,
    });
    expect(await store.listSessions(alice.id, t.clock.now())).toHaveLength(1); // only the test user's own login
    // The same route still takes access tokens.
    expect((await request(t.app).get('/service').set(bearer(alice.access)).expect(200)).body.user.sessionId).not.toBe('');
  });

  it('identifies a server key’s user as type server, so type guards apply', async () => {
    const { key: userKey } = await createKey(t, alice, 'person');
    await request(t.app).get('/servers-only').set(apiKeyHeader(userKey)).expect(403);
    const server = await t.auth.users.apiKeys.createServerKey('cron');
    await request(t.app).get('/servers-only').set(apiKeyHeader(server.key)).expect(200);
  });

  it('answers 401 "invalid API key" with WWW-Authenticate: ApiKey for malformed and unknown keys', async () => {
    const { key } = await createKey(t, alice, 'real');
    for (const bad of ['nope', key.slice(0, -1), `eapk_${'A'.repeat(49)}`]) {
      const res = await request(t.app).get('/service').set(apiKeyHeader(bad)).expect(401);
      expect(res.body).toEqual({ error: 'invalid API key', error_code: 'AuthError' });
      expect(res.headers['www-authenticate']).toBe('ApiKey');
    }
  });

  it('ignores the ApiKey scheme on routes that did not ask for it', async () => {
    const { key } = await createKey(t, alice, 'elsewhere');
    const res = await request(t.app).get('/posts').set(apiKeyHeader(key)).expect(401);
    expect(res.body.error_code).toBe('MissingAuthReq');
  });

  it('stops accepting a key disabled or deleted in this process at once', async () => {
    const { _id: id, key } = await createKey(t, alice, 'revoked');
    await request(t.app).get('/service').set(apiKeyHeader(key)).expect(200);
    await request(t.app).put(`/auth/api_keys/${id}/disable`).set(bearer(alice.access)).expect(204);
    await request(t.app).get('/service').set(apiKeyHeader(key)).expect(401);
    await request(t.app).put(`/auth/api_keys/${id}/enable`).set(bearer(alice.access)).expect(204);
    await request(t.app).get('/service').set(apiKeyHeader(key)).expect(200);
    await request(t.app).delete(`/auth/api_keys/${id}`).set(bearer(alice.access)).expect(204);
    await request(t.app).get('/service').set(apiKeyHeader(key)).expect(401);
  });

  it('stops accepting the keys of a user deleted in this process at once', async () => {
    const { key } = await createKey(t, alice, 'owner-leaves');
    await request(t.app).get('/service').set(apiKeyHeader(key)).expect(200);
    await t.auth.users.delete(alice.id);
    await request(t.app).get('/service').set(apiKeyHeader(key)).expect(401);
  });

  it('stops accepting the keys of a user disabled in this process at once, and again once it is enabled', async () => {
    const { key } = await createKey(t, alice, 'owner-disabled');
    await request(t.app).get('/service').set(apiKeyHeader(key)).expect(200);
    await t.auth.users.disable(alice.id);
    expect((await request(t.app).get('/service').set(apiKeyHeader(key)).expect(403)).body.error_code).toBe('UserDisabled');
    await t.auth.users.enable(alice.id);
    await request(t.app).get('/service').set(apiKeyHeader(key)).expect(200);
  });

  it('stops accepting the keys of a user disabled through the admin router at once', async () => {
    t.app.use('/admin', t.auth.adminRouter((_req, _res, next) => next()));
    const { key } = await createKey(t, alice, 'owner-disabled-admin');
    await request(t.app).get('/service').set(apiKeyHeader(key)).expect(200);
    await request(t.app).put(`/admin/users/${alice.id}/disable`).expect(204);
    await request(t.app).get('/service').set(apiKeyHeader(key)).expect(403);
  });

  it('trusts a verified key for requestCacheMs: a change made by another process shows after that time', async () => {
    const { _id: id, key } = await createKey(t, alice, 'cached');
    await request(t.app).get('/service').set(apiKeyHeader(key)).expect(200);
    await store.updateApiKey(id, { disabled: true }); // as another instance would
    t.clock.advance(4);
    await request(t.app).get('/service').set(apiKeyHeader(key)).expect(200);
    t.clock.advance(2);
    await request(t.app).get('/service').set(apiKeyHeader(key)).expect(401);
  });

  it('answers 403 UserDisabled for the key of a disabled user', async () => {
    const { key } = await createKey(t, alice, 'frozen');
    await store.updateUser(alice.id, { disabled: true });
    expect((await request(t.app).get('/service').set(apiKeyHeader(key)).expect(403)).body.error_code).toBe('UserDisabled');
  });

  it('reads the store once for a burst of requests with one uncached key', async () => {
    const { key } = await createKey(t, alice, 'burst');
    let lookups = 0;
    const find = store.findApiKeyByHash.bind(store);
    store.findApiKeyByHash = (hash) => {
      lookups++;
      return find(hash);
    };
    const answers = await Promise.all(Array.from({ length: 10 }, () => request(t.app).get('/service').set(apiKeyHeader(key))));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(lookups).toBe(1);
  });
});

describe('requireUser({ apiKeys: true }) while a key is being verified', () => {
  it('does not let a request that follows a disable join a verification begun before it', async () => {
    const store = new MemoryStore();
    const t = withKeyRoutes(apiKeyApp(store));
    const alice = await permanentUser(t);
    const { _id: id, key } = await createKey(t, alice, 'slow');
    // Hold the first key lookup until released.
    let release!: () => void;
    let entered!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const reached = new Promise<void>((r) => (entered = r));
    const find = store.findApiKeyByHash.bind(store);
    let calls = 0;
    store.findApiKeyByHash = async (hash) => {
      const record = await find(hash);
      if (calls++ === 0) {
        entered();
        await held;
      }
      return record;
    };
    const first = request(t.app).get('/service').set(apiKeyHeader(key)).then((r) => r.status);
    await reached;
    await request(t.app).put(`/auth/api_keys/${id}/disable`).set(bearer(alice.access)).expect(204);
    const second = request(t.app).get('/service').set(apiKeyHeader(key)).then((r) => r.status);
    expect(await second).toBe(401);
    release();
    expect(await first).toBe(200); // it was verified before the disable
    await request(t.app).get('/service').set(apiKeyHeader(key)).expect(401); // and was not cached
  });
});

describe('requireUser({ apiKeys: true }) setup', () => {
  it('throws a TypeError when the api-key provider is not enabled', () => {
    const t = createTestApp({ store: new MemoryStore(), providers: { 'anon-user': {} } });
    expect(() => t.auth.requireUser({ apiKeys: true })).toThrow(/options\.apiKeys needs the api-key provider/);
  });

  it('reads the store on every request when requestCacheMs is 0', async () => {
    const store = new MemoryStore();
    const t = withKeyRoutes(apiKeyApp(store, { requestCacheMs: 0 }));
    const alice = await permanentUser(t);
    const { _id: id, key } = await createKey(t, alice, 'uncached');
    await request(t.app).get('/service').set(apiKeyHeader(key)).expect(200);
    await store.updateApiKey(id, { disabled: true });
    await request(t.app).get('/service').set(apiKeyHeader(key)).expect(401);
  });
});
