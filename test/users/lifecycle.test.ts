/**
 * Disabling and deleting users that hold identities of every provider (SPEC §7), over HTTP.
 * Deletion is checked by counting the documents left in every collection of the store.
 */
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore, MongoStore, type AuthHooks, type Store } from '../../src/index.js';
import {
  allProvidersApp,
  anonLogin,
  bearer,
  customToken,
  linkWith,
  loggedIn,
  loginWith,
  passwordLogin,
  registerConfirmed,
  type AllProvidersApp,
  type Tokens,
} from '../support/all-providers.js';
import { mongoServerName, useTestDb } from '../support/mongo.js';
import { storeCases } from '../support/stores.js';

const PASSWORD = 'correct horse battery';
const COLLECTIONS = ['api_keys', 'identities', 'sessions', 'tokens', 'userpass', 'users'];

describe.each(storeCases('disable'))('disable and enable on $name', ({ make }) => {
  let t: AllProvidersApp;
  beforeEach(async () => {
    t = await allProvidersApp(make());
  });

  it('ends every session at once, refuses every login with 403 UserDisabled, and enable lets the user back in', async () => {
    t.employees.add('E-1');
    await registerConfirmed(t, 'ada@example.com', PASSWORD);
    const viaPassword = await loggedIn(await passwordLogin(t, 'ada@example.com', PASSWORD));
    const id = viaPassword.user_id;
    expect((await linkWith(t, viaPassword.access_token, 'custom-token', { token: await customToken(t, 'ada-sub') })).status).toBe(200);
    expect((await linkWith(t, viaPassword.access_token, 'custom-function', { employeeId: 'E-1' })).status).toBe(200);
    const { key } = (await request(t.app).post('/auth/api_keys').set(bearer(viaPassword.access_token)).send({ name: 'cli' })).body;
    const viaToken = await loggedIn(await loginWith(t, 'custom-token', { token: await customToken(t, 'ada-sub') }));
    const other = await anonLogin(t);

    expect(await t.auth.users.disable(id)).toBe(true);

    for (const session of [viaPassword, viaToken]) {
      const live = await request(t.app).get('/live').set(bearer(session.access_token));
      expect([live.status, live.body.error_code]).toEqual([401, 'InvalidSession']);
      expect((await request(t.app).post('/auth/session').set(bearer(session.refresh_token))).status).toBe(401);
    }
    const logins = [
      await passwordLogin(t, 'ada@example.com', PASSWORD),
      await loginWith(t, 'custom-token', { token: await customToken(t, 'ada-sub') }),
      await loginWith(t, 'custom-function', { employeeId: 'E-1' }),
      await loginWith(t, 'api-key', { key }),
    ];
    for (const res of logins) expect([res.status, res.body]).toEqual([403, { error: 'user is disabled', error_code: 'UserDisabled' }]);
    expect(await t.store.listSessions(id, t.clock.now())).toEqual([]);
    // Stateless guards trust an access token until it expires (SPEC §3); checkSession routes do not.
    expect((await request(t.app).get('/posts').set(bearer(viaToken.access_token))).status).toBe(200);
    t.clock.advance(30 * 60 + 1);
    expect((await request(t.app).get('/posts').set(bearer(viaToken.access_token))).status).toBe(401);
    // Other users are untouched.
    expect((await request(t.app).post('/auth/session').set(bearer(other.refresh_token))).status).toBe(200);

    expect(await t.auth.users.enable(id)).toBe(true);
    const back = await loggedIn(await passwordLogin(t, 'ada@example.com', PASSWORD));
    expect(back.user_id).toBe(id);
    expect((await request(t.app).get('/live').set(bearer(back.access_token))).status).toBe(200);
    expect((await loggedIn(await loginWith(t, 'api-key', { key }))).user_id).toBe(id);
  });
});

/** A store with a way to count what it holds, per collection. */
interface CountedStore {
  name: string;
  make: () => { store: Store; count: () => Promise<Record<string, number>> };
}

function countedStores(): CountedStore[] {
  const db = useTestDb('lifecycle_delete');
  let n = 0;
  return [
    {
      name: `MongoStore on ${mongoServerName}`,
      make: () => {
        const prefix = `d${n++}_`;
        const store = new MongoStore({ db: db(), collectionPrefix: prefix });
        const count = async () => {
          const names = (await db().listCollections().toArray()).map((c) => c.name).filter((c) => c.startsWith(prefix));
          const counts: Record<string, number> = {};
          for (const name of names.sort()) counts[name.slice(prefix.length)] = await db().collection(name).countDocuments();
          return counts;
        };
        return { store, count };
      },
    },
    {
      name: 'MemoryStore',
      make: () => {
        const store = new MemoryStore();
        // The reference store's own maps, read for this count only.
        const maps = store as unknown as Record<string, Map<string, unknown>>;
        const count = async () =>
          Object.fromEntries(
            [['api_keys', 'apiKeys'], ['identities', 'identities'], ['sessions', 'sessions'], ['tokens', 'tokens'], ['userpass', 'userpass'], ['users', 'users']].map(
              ([name, field]) => [name, maps[field!]!.size],
            ),
          );
        return { store, count };
      },
    },
  ];
}

describe.each(countedStores())('delete on $name', ({ make }) => {
  let t: AllProvidersApp;
  let count: () => Promise<Record<string, number>>;
  let deleted: Parameters<NonNullable<AuthHooks['onUserDeleted']>>[0][];
  beforeEach(async () => {
    const made = make();
    count = made.count;
    deleted = [];
    t = await allProvidersApp(made.store, { hooks: { onUserDeleted: (e) => void deleted.push(e) } });
  });

  /** A user with an identity of every provider, sessions (one rotated), an API key and a pending reset link. */
  async function everything(): Promise<Tokens> {
    t.employees.add('E-1');
    const me = await anonLogin(t);
    await registerConfirmed(t, 'ada@example.com', PASSWORD);
    expect((await linkWith(t, me.access_token, 'local-userpass', { username: 'ada@example.com', password: PASSWORD })).status).toBe(200);
    expect((await linkWith(t, me.access_token, 'custom-token', { token: await customToken(t, 'ada-sub') })).status).toBe(200);
    expect((await linkWith(t, me.access_token, 'custom-function', { employeeId: 'E-1' })).status).toBe(200);
    // A refresh (rotating the refresh token) brings an access token that says the user is no longer anonymous.
    const refreshed = await request(t.app).post('/auth/session').set(bearer(me.refresh_token));
    expect(refreshed.status).toBe(200);
    const created = await request(t.app).post('/auth/api_keys').set(bearer(refreshed.body.access_token)).send({ name: 'cli' });
    expect(created.status).toBe(201);
    await loggedIn(await loginWith(t, 'api-key', { key: created.body.key }));
    await loggedIn(await passwordLogin(t, 'ada@example.com', PASSWORD));
    expect((await request(t.app).post('/auth/providers/local-userpass/reset/send').send({ email: 'ada@example.com' })).status).toBe(204);
    await t.auth.users.setCustomData(me.user_id, { plan: 'pro' });
    const held = await count();
    for (const name of COLLECTIONS) expect([name, held[name]! > 0]).toEqual([name, true]);
    return me;
  }

  it('DELETE /delete removes every trace of the user from every collection', async () => {
    const me = await everything();
    const res = await request(t.app).delete('/auth/delete').set(bearer(me.access_token));
    expect(res.status).toBe(204);
    expect(await count()).toEqual(Object.fromEntries(COLLECTIONS.map((c) => [c, 0])));
    expect(deleted.map((e) => [e.user.id, e.identities.map((i) => i.providerType).sort()])).toEqual([
      [me.user_id, ['anon-user', 'api-key', 'custom-function', 'custom-token', 'local-userpass']],
    ]);
    // Nothing logs in to it any more; the address and the token subject are free for new users.
    expect((await passwordLogin(t, 'ada@example.com', PASSWORD)).body.error_code).toBe('InvalidPassword');
    const fresh = await loggedIn(await loginWith(t, 'custom-token', { token: await customToken(t, 'ada-sub') }));
    expect(fresh.user_id).not.toBe(me.user_id);
  });

  it('auth.users.delete does the same, and leaves other users whole', async () => {
    const other = await anonLogin(t);
    const before = await count();
    const me = await everything();
    expect(await t.auth.users.delete(me.user_id)).toBe(true);
    expect(await count()).toEqual(before);
    expect(await t.auth.users.get(other.user_id)).not.toBeNull();
    expect((await request(t.app).post('/auth/session').set(bearer(other.refresh_token))).status).toBe(200);
  });
});
