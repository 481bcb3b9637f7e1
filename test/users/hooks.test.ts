import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { AuthHooks, Store } from '../../src/index.js';
import { MemoryStore } from '../../src/index.js';
import { createTestApp } from '../support/app.js';
import { storeCases } from '../support/stores.js';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe.each(storeCases('hooks'))('hooks on $name', ({ make }) => {
  const setup = (hooks: AuthHooks, store: Store = make()) =>
    ({ store, ...createTestApp({ store, providers: { 'anon-user': {} }, hooks }) });

  it('awaits onUserCreated and onLogin after the user and its session are stored', async () => {
    const events: string[] = [];
    let store!: Store;
    const t = setup({
      onUserCreated: async ({ user, identity }) => {
        expect(await store.getUser(user.id)).toMatchObject({ id: user.id, anonymous: true });
        expect(identity.providerType).toBe('anon-user');
        await new Promise((r) => setTimeout(r, 20));
        events.push(`created ${user.id}`);
      },
      onLogin: async ({ user, created }) => {
        expect(await store.listSessions(user.id, new Date('2026-06-01T00:00:00Z'))).toHaveLength(1);
        events.push(`login ${user.id} ${created}`);
      },
    });
    store = t.store;
    const res = await request(t.app).post('/auth/providers/anon-user/login').send({});
    expect(res.status).toBe(200);
    // Both ran, in order, before the response was sent.
    expect(events).toEqual([`created ${res.body.user_id}`, `login ${res.body.user_id} true`]);
  });

  it('logs a failing hook and still completes the login', async () => {
    const t = setup({
      onUserCreated: () => {
        throw new Error('crm is down');
      },
      onLogin: () => Promise.reject(new Error('audit log is down')),
    });
    const res = await request(t.app).post('/auth/providers/anon-user/login').send({});
    expect(res.status).toBe(200);
    expect((await request(t.app).get('/live').set(bearer(res.body.access_token))).status).toBe(200);
    expect(await t.auth.users.get(res.body.user_id)).toMatchObject({ id: res.body.user_id });
    const errors = t.logger.lines.filter((l) => l.level === 'error');
    expect(errors.map((l) => [l.message, l.meta?.['error']])).toEqual([
      ['express-auth-providers: the onUserCreated hook failed', 'crm is down'],
      ['express-auth-providers: the onLogin hook failed', 'audit log is down'],
    ]);
    expect(t.logger.text()).not.toContain(res.body.refresh_token);
  });

  it('calls onUserDeleted once the user and its identities are gone, from DELETE /delete and auth.users.delete', async () => {
    const deleted: { id: string; identities: string[]; stillStored: boolean }[] = [];
    let store!: Store;
    const t = setup({
      onUserDeleted: async ({ user, identities }) => {
        deleted.push({
          id: user.id,
          identities: identities.map((i) => i.providerType),
          stillStored: (await store.getUser(user.id)) !== null || (await store.listIdentities(user.id)).length > 0,
        });
      },
    });
    store = t.store;
    const a = await request(t.app).post('/auth/providers/anon-user/login').send({});
    const b = await request(t.app).post('/auth/providers/anon-user/login').send({});
    expect((await request(t.app).delete('/auth/delete').set(bearer(a.body.access_token))).status).toBe(204);
    expect(await t.auth.users.delete(b.body.user_id)).toBe(true);
    expect(await t.auth.users.delete(b.body.user_id)).toBe(false);
    expect(deleted).toEqual([
      { id: a.body.user_id, identities: ['anon-user'], stillStored: false },
      { id: b.body.user_id, identities: ['anon-user'], stillStored: false },
    ]);
  });

  it('calls no hook for a refused login', async () => {
    const calls: string[] = [];
    const t = setup({ onUserCreated: () => void calls.push('created'), onLogin: () => void calls.push('login') });
    const res = await request(t.app).post('/auth/providers/custom-token/login').send({ token: 'x' });
    expect(res.status).toBe(404);
    expect(calls).toEqual([]);
  });
});

describe('hooks options', () => {
  it('refuses a hook that is not a function, naming it', async () => {
    expect(() => createTestApp({ store: new MemoryStore(), providers: { 'anon-user': {} }, hooks: { onLogin: 'yes' as never } })).toThrow(
      /options\.hooks\.onLogin: must be a function/,
    );
    expect(() => createTestApp({ store: new MemoryStore(), providers: { 'anon-user': {} }, hooks: { onLogout: () => 1 } as never })).toThrow(
      /options\.hooks/,
    );
  });

  it('refuses linkByVerifiedEmail for a provider that is not enabled or reports no email', () => {
    expect(() =>
      createTestApp({ store: new MemoryStore(), providers: { 'anon-user': {} }, linkByVerifiedEmail: ['custom-token'] }),
    ).toThrow(/options\.linkByVerifiedEmail\.0: provider custom-token is not enabled/);
    expect(() =>
      createTestApp({ store: new MemoryStore(), providers: { 'anon-user': {} }, linkByVerifiedEmail: ['anon-user'] as never }),
    ).toThrow(/options\.linkByVerifiedEmail\.0/);
  });
});
