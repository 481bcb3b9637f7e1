import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/providers/api-key/key-format.js';
import { sha256 } from '../../src/tokens/secrets.js';
import type { Store } from '../../src/store/store.js';
import type { TestApp } from '../support/app.js';
import {
  anonymousUser,
  apiKeyApp,
  bearer,
  createKey,
  loginWithKey,
  permanentUser,
  type TestUser,
} from './api-key.helpers.js';
import { storeCases } from '../support/stores.js';

const stores = storeCases('apikey_user');

describe.each(stores)('api-key user keys, $name', ({ make: makeStore }) => {
  let store: Store;
  let t: TestApp;
  let alice: TestUser;
  beforeEach(async () => {
    store = makeStore();
    t = apiKeyApp(store);
    alice = await permanentUser(t);
  });

  describe('the key lifecycle', () => {
    it('logs in as the creator with data.name the key name until the key is disabled or deleted', async () => {
      const created = await request(t.app).post('/auth/api_keys').set(bearer(alice.access)).send({ name: 'ci-runner' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'ci-runner', disabled: false });
      expect(created.body._id).toMatch(/^[0-9a-f]{24}$/);
      const { _id: id, key } = created.body;

      const login = await loginWithKey(t, key).expect(200);
      expect(login.body).toMatchObject({ user_id: alice.id, token_type: 'Bearer' });
      const profile = await request(t.app).get('/auth/profile').set(bearer(login.body.access_token)).expect(200);
      expect(profile.body.user_id).toBe(alice.id);
      expect(profile.body.data.name).toBe('ci-runner');
      expect(profile.body.identities).toContainEqual({
        id,
        provider_type: 'api-key',
        provider_id: 'api-key',
        data: { name: 'ci-runner' },
      });

      await request(t.app).put(`/auth/api_keys/${id}/disable`).set(bearer(alice.access)).expect(204);
      const refused = await loginWithKey(t, key).expect(401);
      expect(refused.body).toEqual({ error: 'invalid API key', error_code: 'AuthError' });

      await request(t.app).put(`/auth/api_keys/${id}/enable`).set(bearer(alice.access)).expect(204);
      expect((await loginWithKey(t, key).expect(200)).body.user_id).toBe(alice.id);

      await request(t.app).delete(`/auth/api_keys/${id}`).set(bearer(alice.access)).expect(204);
      expect((await loginWithKey(t, key).expect(401)).body.error_code).toBe('AuthError');
      await request(t.app).get(`/auth/api_keys/${id}`).set(bearer(alice.access)).expect(404);
      expect(await store.getIdentity('api-key', id)).toBeNull();
    });

    it('ends the sessions opened with a key when it is disabled or deleted, and only those', async () => {
      const refresh = (token: string) => request(t.app).post('/auth/session').set(bearer(token));
      const live = (access: string) => request(t.app).get('/live').set(bearer(access));
      for (const revoke of ['disable', 'delete'] as const) {
        const { _id: id, key } = await createKey(t, alice, `sessions-${revoke}`);
        const viaKey = (await loginWithKey(t, key).expect(200)).body;
        expect((await live(viaKey.access_token)).status).toBe(200);
        if (revoke === 'disable') await request(t.app).put(`/auth/api_keys/${id}/disable`).set(bearer(alice.access)).expect(204);
        else await request(t.app).delete(`/auth/api_keys/${id}`).set(bearer(alice.access)).expect(204);
        expect((await refresh(viaKey.refresh_token)).body.error_code).toBe('InvalidSession');
        expect((await live(viaKey.access_token)).status).toBe(401);
      }
      // The session the user opened otherwise is untouched.
      const own = await refresh(alice.refresh).expect(200);
      expect(own.body.user_id).toBe(alice.id);
    });

    it('treats enable and disable as idempotent', async () => {
      const { _id: id, key } = await createKey(t, alice, 'twice');
      for (let i = 0; i < 2; i++) await request(t.app).put(`/auth/api_keys/${id}/disable`).set(bearer(alice.access)).expect(204);
      expect((await request(t.app).get(`/auth/api_keys/${id}`).set(bearer(alice.access))).body.disabled).toBe(true);
      await loginWithKey(t, key).expect(401);
      for (let i = 0; i < 2; i++) await request(t.app).put(`/auth/api_keys/${id}/enable`).set(bearer(alice.access)).expect(204);
      expect((await request(t.app).get(`/auth/api_keys/${id}`).set(bearer(alice.access))).body.disabled).toBe(false);
      await loginWithKey(t, key).expect(200);
    });

    it('removes the keys of a user who deletes their account', async () => {
      const { key } = await createKey(t, alice, 'doomed');
      await request(t.app).delete('/auth/delete').set(bearer(alice.access)).expect(204);
      await loginWithKey(t, key).expect(401);
      expect(await store.listApiKeys({ userId: alice.id })).toEqual([]);
    });
  });

  describe('the secret', () => {
    it('appears only in the creation answer: never in list or get answers, the store, or the logs', async () => {
      const { _id: id, key } = await createKey(t, alice, 'deploy');
      expect(key).toMatch(/^eapk_[A-Za-z0-9_-]{49}$/);
      await loginWithKey(t, key).expect(200);
      await loginWithKey(t, key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A')).expect(401);

      const list = await request(t.app).get('/auth/api_keys').set(bearer(alice.access)).expect(200);
      expect(list.body).toEqual([
        { _id: id, name: 'deploy', disabled: false, created_at: expect.any(String), last_used_at: expect.any(String) },
      ]);
      const one = await request(t.app).get(`/auth/api_keys/${id}`).set(bearer(alice.access)).expect(200);
      expect(one.body).toEqual(list.body[0]);

      const stored = await store.getApiKey(id);
      expect(stored?.keyHash).toBe(sha256(key));
      const secret = key.slice('eapk_'.length, -6);
      expect(JSON.stringify(stored)).not.toContain(secret);
      expect(JSON.stringify(list.body)).not.toContain(secret);
      expect(t.logger.text()).not.toContain(secret);
    });

    it('is answered with Cache-Control: no-store', async () => {
      const res = await request(t.app).post('/auth/api_keys').set(bearer(alice.access)).send({ name: 'nocache' }).expect(201);
      expect(res.headers['cache-control']).toBe('no-store');
    });
  });

  describe('limits and names', () => {
    it('refuses the 21st key of a user with 400 ApiKeyLimitReached', async () => {
      for (let i = 1; i <= 20; i++) await createKey(t, alice, `key-${i}`);
      const res = await request(t.app).post('/auth/api_keys').set(bearer(alice.access)).send({ name: 'key-21' }).expect(400);
      expect(res.body).toEqual({
        error: 'API key limit reached: a user may hold at most 20 keys',
        error_code: 'ApiKeyLimitReached',
      });
      expect(await store.listApiKeys({ userId: alice.id })).toHaveLength(20);
      // Deleting one frees a place.
      const [first] = await store.listApiKeys({ userId: alice.id });
      await request(t.app).delete(`/auth/api_keys/${first!.id}`).set(bearer(alice.access)).expect(204);
      await createKey(t, alice, 'key-21');
    });

    it('honours maxKeysPerUser', async () => {
      const small = apiKeyApp(makeStore(), { maxKeysPerUser: 2 });
      const bob = await permanentUser(small);
      await createKey(small, bob, 'a');
      await createKey(small, bob, 'b');
      const res = await request(small.app).post('/auth/api_keys').set(bearer(bob.access)).send({ name: 'c' }).expect(400);
      expect(res.body.error_code).toBe('ApiKeyLimitReached');
    });

    it('refuses names other than ASCII letters, digits, _ and - with 400 InvalidParameter', async () => {
      const bad: unknown[] = ['', 'has space', 'dot.ted', 'ünïcode', 'slash/name', 'x'.repeat(65), 42, null, { $ne: null }, ['a']];
      for (const name of bad) {
        const res = await request(t.app).post('/auth/api_keys').set(bearer(alice.access)).send({ name });
        expect(res.status, JSON.stringify(name)).toBe(400);
        expect(res.body.error_code).toBe('InvalidParameter');
        expect(res.body.error).toMatch(/^invalid name/);
      }
      const missing = await request(t.app).post('/auth/api_keys').set(bearer(alice.access)).send({}).expect(400);
      expect(missing.body.error_code).toBe('InvalidParameter');
      expect(await store.listApiKeys({ userId: alice.id })).toEqual([]);
      await createKey(t, alice, 'Az09_-');
    });

    it('refuses a name the user already uses with 409 APIKeyAlreadyExists; another user may use it', async () => {
      await createKey(t, alice, 'shared');
      const res = await request(t.app).post('/auth/api_keys').set(bearer(alice.access)).send({ name: 'shared' }).expect(409);
      expect(res.body).toEqual({ error: 'an API key with this name already exists', error_code: 'APIKeyAlreadyExists' });
      const bob = await permanentUser(t);
      await createKey(t, bob, 'shared');
    });
  });

  describe('ownership', () => {
    it("answers 404 APIKeyNotFound for another user's key id, and leaves that key alone", async () => {
      const { _id: id, key } = await createKey(t, alice, 'mine');
      const mallory = await permanentUser(t);
      const as = (req: request.Test) => req.set(bearer(mallory.access));
      for (const res of [
        await as(request(t.app).get(`/auth/api_keys/${id}`)),
        await as(request(t.app).put(`/auth/api_keys/${id}/disable`)),
        await as(request(t.app).put(`/auth/api_keys/${id}/enable`)),
        await as(request(t.app).delete(`/auth/api_keys/${id}`)),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ error: 'API key not found', error_code: 'APIKeyNotFound' });
      }
      expect((await as(request(t.app).get('/auth/api_keys'))).body).toEqual([]);
      expect(await store.getApiKey(id)).toMatchObject({ disabled: false });
      await loginWithKey(t, key).expect(200);
    });

    it('answers 404 APIKeyNotFound for unknown and malformed key ids', async () => {
      for (const id of ['0123456789abcdef01234567', 'not-an-id', '%7B%22%24ne%22%3Anull%7D', 'x'.repeat(300)]) {
        const res = await request(t.app).get(`/auth/api_keys/${id}`).set(bearer(alice.access));
        expect(res.status, id).toBe(404);
        expect(res.body.error_code).toBe('APIKeyNotFound');
      }
    });

    it('refuses anonymous users with 403 and requests without a token with 401', async () => {
      const anon = await anonymousUser(t);
      const res = await request(t.app).post('/auth/api_keys').set(bearer(anon.access)).send({ name: 'nope' }).expect(403);
      expect(res.body).toEqual({ error: 'anonymous users may not access this resource', error_code: 'Forbidden' });
      await request(t.app).get('/auth/api_keys').set(bearer(anon.access)).expect(403);
      const none = await request(t.app).post('/auth/api_keys').send({ name: 'nope' }).expect(401);
      expect(none.body.error_code).toBe('MissingAuthReq');
      expect(await store.listApiKeys({ userId: anon.id })).toEqual([]);
    });
  });

  describe('login with a key', () => {
    it('answers 401 "invalid API key" for malformed, wrong-length, wrong-secret and unknown keys, never 500', async () => {
      const { key } = await createKey(t, alice, 'real');
      const other = (await createKey(t, alice, 'other')).key;
      await request(t.app).delete(`/auth/api_keys/${(await store.findApiKeyByHash(sha256(other)))!.id}`).set(bearer(alice.access));
      const wrongSecret = `eapk_${'A'.repeat(43)}${key.slice(-6)}`;
      for (const candidate of [
        '',
        'garbage',
        key.slice(0, -1),
        `${key}A`,
        key.replace('eapk_', 'eapx_'),
        key.toUpperCase(),
        wrongSecret,
        other, // well-formed, checksum valid, deleted
        generateApiKey(), // well-formed, checksum valid, never issued here
        'eapk_' + '\u00e9'.repeat(49),
        'x'.repeat(10_000),
      ]) {
        const res = await loginWithKey(t, candidate);
        expect(res.status, candidate.slice(0, 20)).toBe(401);
        expect(res.body).toEqual({ error: 'invalid API key', error_code: 'AuthError' });
      }
    });

    it('answers 400 InvalidParameter for a key that is missing or not a string', async () => {
      for (const key of [undefined, 42, null, { $ne: null }, ['eapk_']]) {
        const res = await loginWithKey(t, key);
        expect(res.status, JSON.stringify(key)).toBe(400);
        expect(res.body.error_code).toBe('InvalidParameter');
      }
    });

    it('writes lastUsedAt at the first use, then at most once per lastUsedResolution', async () => {
      const { _id: id, key } = await createKey(t, alice, 'busy');
      expect((await store.getApiKey(id))?.lastUsedAt).toBeUndefined();
      await loginWithKey(t, key).expect(200);
      const first = (await store.getApiKey(id))?.lastUsedAt;
      expect(first).toEqual(t.clock.now());
      t.clock.advance(30);
      await loginWithKey(t, key).expect(200);
      expect((await store.getApiKey(id))?.lastUsedAt).toEqual(first);
      t.clock.advance(31);
      await loginWithKey(t, key).expect(200);
      expect((await store.getApiKey(id))?.lastUsedAt).toEqual(t.clock.now());
    });

    it("logs in as the key's user when a crash left the key without its identity", async () => {
      const { _id: id, key } = await createKey(t, alice, 'half-made');
      await store.deleteIdentity('api-key', id);
      const res = await loginWithKey(t, key).expect(200);
      expect(res.body.user_id).toBe(alice.id);
      expect(await store.getIdentity('api-key', id)).toMatchObject({ userId: alice.id });
    });

    it('refuses a key whose user is gone', async () => {
      const { key } = await createKey(t, alice, 'orphan');
      await store.deleteIdentitiesOfUser(alice.id);
      await store.deleteUser(alice.id);
      await loginWithKey(t, key).expect(401);
    });

    it('answers 403 UserDisabled for a key of a disabled user', async () => {
      const { key } = await createKey(t, alice, 'frozen');
      await store.updateUser(alice.id, { disabled: true });
      expect((await loginWithKey(t, key).expect(403)).body.error_code).toBe('UserDisabled');
    });
  });
});

describe.each(stores)('api-key concurrent creation, $name', ({ make: makeStore }) => {
  it('creates all 20 of 20 parallel creations', async () => {
    const t = apiKeyApp(makeStore());
    const user = await permanentUser(t);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        request(t.app).post('/auth/api_keys').set(bearer(user.access)).send({ name: `p${i}` }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    expect(await t.auth.store.listApiKeys({ userId: user.id })).toHaveLength(20);
  });

  it('never lets parallel creations take a user past the limit; every refusal is ApiKeyLimitReached', async () => {
    const t = apiKeyApp(makeStore());
    const user = await permanentUser(t);
    for (let i = 0; i < 17; i++) await createKey(t, user, `held-${i}`);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        request(t.app).post('/auth/api_keys').set(bearer(user.access)).send({ name: `race-${i}` }),
      ),
    );
    const created = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status !== 201);
    expect(refused.map((a) => a.body.error_code)).toEqual(Array(refused.length).fill('ApiKeyLimitReached'));
    const stored = await t.auth.store.listApiKeys({ userId: user.id });
    expect(stored.length).toBeLessThanOrEqual(20);
    expect(stored.length).toBe(17 + created.length);
    // Every key that was answered 201 works; every refused one left nothing behind.
    for (const a of created) await loginWithKey(t, a.body.key).expect(200);
    const identities = (await t.auth.store.listIdentities(user.id)).filter((i) => i.providerType === 'api-key');
    expect(identities.map((i) => i.id).sort()).toEqual(stored.map((k) => k.id).sort());
  });
});
