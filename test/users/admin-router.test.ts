import type { RequestHandler } from 'express';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { AuthError, MemoryStore, type Store } from '../../src/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { storeCases } from '../support/stores.js';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const T0 = new Date('2026-06-01T00:00:00Z');
const ADMIN = { 'X-Admin-Key': 'let-me-in' };

// A host guard: the admin router trusts whatever the host decides here.
const adminOnly: RequestHandler = (req, _res, next) =>
  next(req.get('X-Admin-Key') === 'let-me-in' ? undefined : new AuthError('Forbidden', 'administrators only'));

async function anonLogin(app: TestApp['app']) {
  const res = await request(app).post('/auth/providers/anon-user/login').send({});
  expect(res.status).toBe(200);
  return res.body as { access_token: string; refresh_token: string; user_id: string };
}

describe('auth.adminRouter', () => {
  it('refuses to be built without a guard', () => {
    const { auth } = createTestApp({ store: new MemoryStore(), providers: { 'anon-user': {} } });
    expect(() => auth.adminRouter()).toThrow(TypeError);
    expect(() => auth.adminRouter('x' as never)).toThrow(/adminRouter/);
  });
});

describe.each(storeCases('admin'))('auth.adminRouter on $name', ({ make }) => {
  let t: TestApp;
  let store: Store;
  beforeEach(() => {
    store = make();
    t = createTestApp({ store, providers: { 'anon-user': {} } });
    t.app.use('/admin', t.auth.adminRouter(adminOnly));
    t.app.use('/server-admin', t.auth.adminRouter(t.auth.requireUser({ types: ['server'] })));
  });

  it('runs the host’s guard before every route, unknown paths included', async () => {
    const me = await anonLogin(t.app);
    for (const [method, path] of [
      ['get', '/admin/users'],
      ['put', `/admin/users/${me.user_id}/disable`],
      ['delete', `/admin/users/${me.user_id}`],
      ['get', '/admin/nothing-here'],
    ] as const) {
      const res = await request(t.app)[method](path);
      expect([res.status, res.body.error_code]).toEqual([403, 'Forbidden']);
    }
    const normalUser = await request(t.app).get('/server-admin/users').set(bearer(me.access_token));
    expect([normalUser.status, normalUser.body.error_code]).toEqual([403, 'Forbidden']);
    expect((await request(t.app).get('/server-admin/users')).status).toBe(401);
    expect((await t.auth.users.get(me.user_id))!.disabled).toBe(false);
  });

  it('lists users with filters and paging, snake_case on the wire', async () => {
    const a = await anonLogin(t.app);
    const b = await anonLogin(t.app);
    await t.auth.users.disable(b.user_id);
    const all = await request(t.app).get('/admin/users').set(ADMIN);
    expect(all.status).toBe(200);
    expect(all.body.users.map((u: { user_id: string }) => u.user_id).sort()).toEqual([a.user_id, b.user_id].sort());
    expect(all.body.users[0]).toMatchObject({
      type: 'normal',
      anonymous: true,
      identities: [{ provider_type: 'anon-user', provider_id: 'anon-user', data: {} }],
      created_at: T0.toISOString(),
    });
    const disabled = await request(t.app).get('/admin/users?disabled=true&provider=anon-user').set(ADMIN);
    expect(disabled.body).toEqual({ users: [expect.objectContaining({ user_id: b.user_id, disabled: true })] });
    const page = await request(t.app).get('/admin/users?limit=1').set(ADMIN);
    expect(page.body.users).toHaveLength(1);
    const next = await request(t.app).get(`/admin/users?limit=1&after=${page.body.next}`).set(ADMIN);
    expect(next.body.users[0].user_id).not.toBe(page.body.users[0].user_id);
  });

  it('answers a malformed query with 400 InvalidParameter', async () => {
    for (const query of ['disabled=yes', 'limit=abc', 'limit=0', 'provider=nope', 'email=a&email=b', 'color=red']) {
      const res = await request(t.app).get(`/admin/users?${query}`).set(ADMIN);
      expect([query, res.status, res.body.error_code]).toEqual([query, 400, 'InvalidParameter']);
    }
  });

  it('gets a user by id and by identity; 404 UserNotFound otherwise', async () => {
    const me = await anonLogin(t.app);
    const res = await request(t.app).get(`/admin/users/${me.user_id}`).set(ADMIN);
    expect(res.body).toMatchObject({ user_id: me.user_id, disabled: false });
    const identityId = res.body.identities[0].id;
    const byIdentity = await request(t.app).get(`/admin/identities/anon-user/${identityId}`).set(ADMIN);
    expect(byIdentity.body.user_id).toBe(me.user_id);
    for (const path of ['/admin/users/nope', '/admin/identities/anon-user/nope']) {
      const missing = await request(t.app).get(path).set(ADMIN);
      expect([missing.status, missing.body.error_code]).toEqual([404, 'UserNotFound']);
    }
    const badType = await request(t.app).get('/admin/identities/nope/x').set(ADMIN);
    expect(badType.status).toBe(400);
  });

  it('disables (ending sessions), enables, logs out and deletes', async () => {
    const me = await anonLogin(t.app);
    expect((await request(t.app).put(`/admin/users/${me.user_id}/disable`).set(ADMIN)).status).toBe(204);
    expect((await request(t.app).get('/live').set(bearer(me.access_token))).status).toBe(401);
    expect((await t.auth.users.get(me.user_id))!.disabled).toBe(true);
    expect((await request(t.app).put(`/admin/users/${me.user_id}/enable`).set(ADMIN)).status).toBe(204);
    expect((await t.auth.users.get(me.user_id))!.disabled).toBe(false);

    const other = await anonLogin(t.app);
    expect((await request(t.app).put(`/admin/users/${other.user_id}/logout`).set(ADMIN)).status).toBe(204);
    expect((await request(t.app).post('/auth/session').set(bearer(other.refresh_token))).status).toBe(401);
    expect((await request(t.app).delete(`/admin/users/${other.user_id}`).set(ADMIN)).status).toBe(204);
    expect(await t.auth.users.get(other.user_id)).toBeNull();

    for (const [method, path] of [
      ['put', '/admin/users/nope/disable'],
      ['put', '/admin/users/nope/enable'],
      ['put', '/admin/users/nope/logout'],
      ['delete', '/admin/users/nope'],
    ] as const) {
      const res = await request(t.app)[method](path).set(ADMIN);
      expect([path, res.status, res.body.error_code]).toEqual([path, 404, 'UserNotFound']);
    }
  });

  it('replaces and removes custom data; a body that is not an object is a 400', async () => {
    const me = await anonLogin(t.app);
    const put = await request(t.app).put(`/admin/users/${me.user_id}/custom_data`).set(ADMIN).send({ plan: 'pro' });
    expect([put.status, put.body.custom_data]).toEqual([200, { plan: 'pro' }]);
    const bad = await request(t.app).put(`/admin/users/${me.user_id}/custom_data`).set(ADMIN).send([1, 2]);
    expect([bad.status, bad.body.error_code]).toEqual([400, 'InvalidParameter']);
    const removed = await request(t.app).delete(`/admin/users/${me.user_id}/custom_data`).set(ADMIN);
    expect(removed.status).toBe(200);
    expect(removed.body.custom_data).toBeUndefined();
  });

  it('manages server API keys, and a server key’s user passes a requireUser({ types: [server] }) guard', async () => {
    const keyed = createTestApp({ store, providers: { 'anon-user': {}, 'api-key': {} } });
    keyed.app.use('/admin', keyed.auth.adminRouter(adminOnly));
    keyed.app.use('/server-admin', keyed.auth.adminRouter(keyed.auth.requireUser({ types: ['server'] })));

    const created = await request(keyed.app).post('/admin/api_keys').set(ADMIN).send({ name: 'ops' });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    expect(created.body).toMatchObject({ name: 'ops', disabled: false, key: expect.any(String) });
    const { key, ...view } = created.body;
    expect((await request(keyed.app).get(`/admin/api_keys/${view._id}`).set(ADMIN)).body).toEqual(view);
    expect((await request(keyed.app).get('/admin/api_keys').set(ADMIN)).body).toEqual([view]);
    const badName = await request(keyed.app).post('/admin/api_keys').set(ADMIN).send({ name: { $ne: 1 } });
    expect([badName.status, badName.body.error_code]).toEqual([400, 'InvalidParameter']);

    const login = await request(keyed.app).post('/auth/providers/api-key/login').send({ key });
    expect(login.status).toBe(200);
    const asServer = await request(keyed.app).get('/server-admin/users?type=server').set(bearer(login.body.access_token));
    expect(asServer.status).toBe(200);
    expect(asServer.body.users.map((u: { user_id: string }) => u.user_id)).toEqual([view.user_id]);

    expect((await request(keyed.app).put(`/admin/api_keys/${view._id}/disable`).set(ADMIN)).status).toBe(204);
    expect((await request(keyed.app).post('/auth/providers/api-key/login').send({ key })).status).toBe(401);
    expect((await request(keyed.app).put(`/admin/api_keys/${view._id}/enable`).set(ADMIN)).status).toBe(204);
    expect((await request(keyed.app).delete(`/admin/api_keys/${view._id}`).set(ADMIN)).status).toBe(204);
    const gone = await request(keyed.app).get(`/admin/api_keys/${view._id}`).set(ADMIN);
    expect([gone.status, gone.body.error_code]).toEqual([404, 'APIKeyNotFound']);
    expect(await keyed.auth.users.get(view.user_id)).toBeNull();
  });

  it('answers server key routes with 404 ProviderNotEnabled when api-key is off', async () => {
    const res = await request(t.app).get('/admin/api_keys').set(ADMIN);
    expect([res.status, res.body.error_code]).toEqual([404, 'ProviderNotEnabled']);
  });

  it('lists, confirms and deletes pending registrations', async () => {
    const record = { identityId: 'i', passwordHash: 'secret-hash', status: 'pending' as const, createdAt: T0, updatedAt: T0 };
    await store.insertUserpass({ ...record, email: 'a@example.com' });
    await store.insertUserpass({ ...record, email: 'b@example.com', identityId: 'j' });
    const list = await request(t.app).get('/admin/user_registrations/pending_users').set(ADMIN);
    expect(list.body).toEqual({
      users: [
        { email: 'a@example.com', created_at: T0.toISOString() },
        { email: 'b@example.com', created_at: T0.toISOString() },
      ],
    });
    expect(JSON.stringify(list.body)).not.toContain('secret-hash');
    expect((await request(t.app).post('/admin/user_registrations/by_email/a@example.com/confirm').set(ADMIN)).status).toBe(204);
    expect((await store.getUserpass('a@example.com'))?.status).toBe('confirmed');
    expect((await request(t.app).delete('/admin/user_registrations/by_email/b@example.com').set(ADMIN)).status).toBe(204);
    expect(await store.getUserpass('b@example.com')).toBeNull();
    const again = await request(t.app).delete('/admin/user_registrations/by_email/b@example.com').set(ADMIN);
    expect([again.status, again.body.error_code]).toEqual([404, 'UserNotFound']);
  });
});
