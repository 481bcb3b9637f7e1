import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { AuthError, type Store } from '../../src/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { storeCases } from '../support/stores.js';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const T0 = new Date('2026-06-01T00:00:00Z');

async function anonLogin(app: TestApp['app']) {
  const res = await request(app).post('/auth/providers/anon-user/login').send({});
  expect(res.status).toBe(200);
  return res.body as { access_token: string; refresh_token: string; user_id: string };
}

describe.each(storeCases('users'))('auth.users on $name', ({ make }) => {
  let t: TestApp;
  let store: Store;
  beforeEach(() => {
    store = make();
    t = createTestApp({ store, providers: { 'anon-user': {} } });
  });

  describe('list', () => {
    it('pages through users in id order with limit and after', async () => {
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push((await anonLogin(t.app)).user_id);
      ids.sort();
      const first = await t.auth.users.list({ limit: 2 });
      expect(first.users.map((u) => u.id)).toEqual(ids.slice(0, 2));
      expect(first.next).toBe(ids[1]);
      const second = await t.auth.users.list({ limit: 2, after: first.next });
      expect(second.users.map((u) => u.id)).toEqual(ids.slice(2, 4));
      const last = await t.auth.users.list({ limit: 2, after: second.next });
      expect(last.users.map((u) => u.id)).toEqual(ids.slice(4));
      expect(last.next).toBeUndefined();
      expect(first.users[0]!.identities).toHaveLength(1);
    });

    it('filters by disabled, provider, anonymous and email', async () => {
      const a = await anonLogin(t.app);
      const b = await anonLogin(t.app);
      await t.auth.users.disable(b.user_id);
      await store.insertUser({ id: 'fff-email-user', type: 'normal', data: { email: 'ada@example.com' }, anonymous: false, disabled: false, createdAt: T0, lastAuthAt: T0 });
      await store.insertIdentity({
        id: 'sub-1',
        providerType: 'custom-token',
        userId: 'fff-email-user',
        data: { email: 'ada@example.com' },
        email: { address: 'ada@example.com', verified: true },
        createdAt: T0,
        lastLoginAt: T0,
      });
      const ids = async (filter: object) => (await t.auth.users.list({ filter })).users.map((u) => u.id);
      expect(await ids({ disabled: true })).toEqual([b.user_id]);
      expect((await ids({ disabled: false })).sort()).toEqual([a.user_id, 'fff-email-user'].sort());
      expect((await ids({ provider: 'anon-user' })).sort()).toEqual([a.user_id, b.user_id].sort());
      expect(await ids({ provider: 'anon-user', disabled: false })).toEqual([a.user_id]);
      expect(await ids({ provider: 'custom-token' })).toEqual(['fff-email-user']);
      expect(await ids({ anonymous: false })).toEqual(['fff-email-user']);
      expect(await ids({ email: 'ADA@example.com' })).toEqual(['fff-email-user']);
      expect(await ids({ email: 'ada@example.com', provider: 'anon-user' })).toEqual([]);
      expect(await ids({ email: 'nobody@example.com' })).toEqual([]);
    });

    it('pages a provider filter across many identities', async () => {
      const ids = [];
      for (let i = 0; i < 4; i++) ids.push((await anonLogin(t.app)).user_id);
      ids.sort();
      const page = await t.auth.users.list({ filter: { provider: 'anon-user' }, limit: 3 });
      expect(page.users.map((u) => u.id)).toEqual(ids.slice(0, 3));
      const rest = await t.auth.users.list({ filter: { provider: 'anon-user' }, limit: 3, after: page.next });
      expect(rest.users.map((u) => u.id)).toEqual(ids.slice(3));
    });

    it('rejects a wrong query with InvalidParameter naming the field', async () => {
      await expect(t.auth.users.list({ limit: 0 })).rejects.toMatchObject({ code: 'InvalidParameter', message: /limit/ });
      await expect(t.auth.users.list({ filter: { provider: 'nope' as never } })).rejects.toBeInstanceOf(AuthError);
      await expect(t.auth.users.list({ filter: { email: { $ne: null } as never } })).rejects.toMatchObject({
        code: 'InvalidParameter',
        message: /filter\.email/,
      });
    });
  });

  describe('get and findByIdentity', () => {
    it('return the user with its identities, or null', async () => {
      const me = await anonLogin(t.app);
      const user = await t.auth.users.get(me.user_id);
      expect(user).toMatchObject({ id: me.user_id, type: 'normal', anonymous: true, disabled: false });
      const identity = user!.identities[0]!;
      expect(await t.auth.users.findByIdentity('anon-user', identity.id)).toEqual(user);
      expect(await t.auth.users.findByIdentity('anon-user', 'nope')).toBeNull();
      expect(await t.auth.users.get('nope')).toBeNull();
    });
  });

  describe('disable and enable', () => {
    it('ends every session at once: checkSession and refresh fail; enable does not bring them back', async () => {
      const me = await anonLogin(t.app);
      const other = await anonLogin(t.app);
      expect((await request(t.app).get('/live').set(bearer(me.access_token))).status).toBe(200);
      expect(await t.auth.users.disable(me.user_id)).toBe(true);
      const live = await request(t.app).get('/live').set(bearer(me.access_token));
      expect([live.status, live.body.error_code]).toEqual([401, 'InvalidSession']);
      const refresh = await request(t.app).post('/auth/session').set(bearer(me.refresh_token));
      expect(refresh.status).toBe(401);
      expect(await store.listSessions(me.user_id, t.clock.now())).toEqual([]);
      expect((await t.auth.users.get(me.user_id))!.disabled).toBe(true);
      // Other users are untouched.
      expect((await request(t.app).get('/live').set(bearer(other.access_token))).status).toBe(200);
      expect(await t.auth.users.enable(me.user_id)).toBe(true);
      expect((await t.auth.users.get(me.user_id))!.disabled).toBe(false);
      expect((await request(t.app).post('/auth/session').set(bearer(me.refresh_token))).status).toBe(401);
    });

    it('answers false for an unknown user', async () => {
      expect(await t.auth.users.disable('nope')).toBe(false);
      expect(await t.auth.users.enable('nope')).toBe(false);
    });
  });

  describe('revokeSessions', () => {
    it('ends every session of the user and says how many', async () => {
      const me = await anonLogin(t.app);
      expect(await t.auth.users.revokeSessions(me.user_id)).toBe(1);
      expect((await request(t.app).post('/auth/session').set(bearer(me.refresh_token))).status).toBe(401);
      expect((await request(t.app).get('/live').set(bearer(me.access_token))).status).toBe(401);
    });
  });

  describe('setCustomData', () => {
    it('stores the host’s document, shows it in the profile, and removes it with undefined', async () => {
      const me = await anonLogin(t.app);
      const updated = await t.auth.users.setCustomData(me.user_id, { plan: 'pro', tags: ['a'] });
      expect(updated?.customData).toEqual({ plan: 'pro', tags: ['a'] });
      const profile = await request(t.app).get('/auth/profile').set(bearer(me.access_token));
      expect(profile.body.custom_data).toEqual({ plan: 'pro', tags: ['a'] });
      expect((await t.auth.users.setCustomData(me.user_id, undefined))?.customData).toBeUndefined();
      expect((await request(t.app).get('/auth/profile').set(bearer(me.access_token))).body.custom_data).toBeUndefined();
      expect(await t.auth.users.setCustomData('nope', {})).toBeNull();
      await expect(t.auth.users.setCustomData(me.user_id, 'x' as never)).rejects.toMatchObject({ code: 'InvalidParameter' });
    });
  });

  describe('pending', () => {
    const pending = (email: string, at = 0) => ({
      email,
      identityId: `id-${email}`,
      passwordHash: 'hash-not-shown',
      status: 'pending' as const,
      createdAt: new Date(T0.getTime() + at),
      updatedAt: T0,
    });

    it('lists pending registrations without their password hash, paged by email', async () => {
      await store.insertUserpass(pending('b@example.com'));
      await store.insertUserpass(pending('a@example.com'));
      await store.insertUserpass({ ...pending('c@example.com'), status: 'confirmed' });
      const page = await t.auth.users.pending.list({ limit: 1 });
      expect(page).toEqual({ users: [{ email: 'a@example.com', createdAt: T0 }], next: 'a@example.com' });
      const rest = await t.auth.users.pending.list({ after: page.next });
      expect(rest).toEqual({ users: [{ email: 'b@example.com', createdAt: T0 }] });
      expect(JSON.stringify(rest)).not.toContain('hash');
    });

    it('confirms a pending registration (finding it however the address is typed) and drops its tokens', async () => {
      await store.insertUserpass(pending('ada@example.com'));
      await store.insertToken({ hash: 'h1', purpose: 'confirm', subject: 'ada@example.com', createdAt: T0, expiresAt: new Date(T0.getTime() + 1e6) });
      expect(await t.auth.users.pending.confirm(' Ada@EXAMPLE.com ')).toBe(true);
      expect((await store.getUserpass('ada@example.com'))?.status).toBe('confirmed');
      expect(await store.consumeToken('h1', 'confirm', T0)).toBeNull();
      expect(await t.auth.users.pending.confirm('ada@example.com')).toBe(false);
      expect(await t.auth.users.pending.confirm('nobody@example.com')).toBe(false);
    });

    it('deletes a pending registration but never a confirmed one', async () => {
      await store.insertUserpass(pending('a@example.com'));
      await store.insertUserpass({ ...pending('c@example.com'), status: 'confirmed' });
      expect(await t.auth.users.pending.delete('a@example.com')).toBe(true);
      expect(await store.getUserpass('a@example.com')).toBeNull();
      expect(await t.auth.users.pending.delete('c@example.com')).toBe(false);
      expect(await store.getUserpass('c@example.com')).not.toBeNull();
    });
  });
});
