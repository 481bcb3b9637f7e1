/**
 * Linking across every provider over HTTP (SPEC §6): anonymous upgrade, explicit links and
 * their refusals, races, unlink. Against MongoStore on the test server and MemoryStore.
 */
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  allProvidersApp,
  anonLogin,
  bearer,
  customToken,
  linkWith,
  loggedIn,
  loginWith,
  passwordLogin,
  profileOf,
  registerConfirmed,
  type AllProvidersApp,
} from '../support/all-providers.js';
import { storeCases } from '../support/stores.js';

const PASSWORD = 'correct horse battery';
const DAY = 86_400;

describe.each(storeCases('linking'))('linking on $name', ({ make }) => {
  let t: AllProvidersApp;
  beforeEach(async () => {
    t = await allProvidersApp(make());
  });

  describe('anonymous upgrade', () => {
    it('keeps the anonymous user’s id and data when it links email/password; allowAnonymous:false then admits it', async () => {
      const me = await anonLogin(t);
      await t.auth.users.setCustomData(me.user_id, { cart: ['book'] });
      expect((await request(t.app).get('/members').set(bearer(me.access_token))).status).toBe(403);
      await registerConfirmed(t, 'reader@example.com', PASSWORD);

      const linked = await linkWith(t, me.access_token, 'local-userpass', { username: 'reader@example.com', password: PASSWORD });
      expect(linked.status).toBe(200);
      expect(linked.body).toMatchObject({ user_id: me.user_id, data: { email: 'reader@example.com' }, custom_data: { cart: ['book'] } });
      expect(linked.body.identities.map((i: { provider_type: string }) => i.provider_type)).toEqual(['anon-user', 'local-userpass']);

      // The access token says what it said when minted; the next refresh says the user is permanent.
      expect((await request(t.app).get('/members').set(bearer(me.access_token))).status).toBe(403);
      const refreshed = await request(t.app).post('/auth/session').set(bearer(me.refresh_token));
      expect((await request(t.app).get('/members').set(bearer(refreshed.body.access_token))).status).toBe(200);

      // Logging in with the password reaches the same user; the sweep of inactive anonymous users spares it.
      const again = await loggedIn(await passwordLogin(t, 'reader@example.com', PASSWORD));
      expect(again.user_id).toBe(me.user_id);
      expect((await request(t.app).get('/members').set(bearer(again.access_token))).status).toBe(200);
      t.clock.advance(200 * DAY);
      await t.auth.sweep();
      expect(await t.auth.users.get(me.user_id)).toMatchObject({ anonymous: false, customData: { cart: ['book'] } });
    });

    it('answers ?link=true on the login route (App Services clients) with a fresh access token for the same session', async () => {
      const me = await anonLogin(t);
      await registerConfirmed(t, 'reader@example.com', PASSWORD);
      const res = await request(t.app)
        .post('/auth/providers/local-userpass/login?link=true')
        .set(bearer(me.access_token))
        .send({ username: 'reader@example.com', password: PASSWORD });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ user_id: me.user_id, token_type: 'Bearer', access_token: expect.any(String) });
      expect(res.body.refresh_token).toBeUndefined();
      expect((await request(t.app).get('/members').set(bearer(res.body.access_token))).status).toBe(200);
      // Still one session: the old refresh token keeps working.
      expect((await request(t.app).post('/auth/session').set(bearer(me.refresh_token))).status).toBe(200);
      expect(await t.store.listSessions(me.user_id, t.clock.now())).toHaveLength(1);
    });

    it('upgrades with custom-token and custom-function as well; another user’s API key is refused', async () => {
      t.employees.add('E-7');
      const keyOwner = await loggedIn(await loginWith(t, 'custom-token', { token: await customToken(t, 'key-owner') }));
      const { key } = (await request(t.app).post('/auth/api_keys').set(bearer(keyOwner.access_token)).send({ name: 'k' })).body;
      const cases: [string, object][] = [
        ['custom-token', { token: await customToken(t, 'sub-up') }],
        ['custom-function', { employeeId: 'E-7' }],
      ];
      for (const [provider, body] of cases) {
        const me = await anonLogin(t);
        const res = await linkWith(t, me.access_token, provider, body);
        expect([provider, res.status]).toEqual([provider, 200]);
        expect((await t.auth.users.get(me.user_id))!.anonymous).toBe(false);
      }
      // Another user's API key is not an identity to take over.
      const me = await anonLogin(t);
      const res = await linkWith(t, me.access_token, 'api-key', { key });
      expect([res.status, res.body.error_code]).toEqual([409, 'IdentityAlreadyExists']);
      expect((await t.auth.users.get(me.user_id))!.anonymous).toBe(true);
    });
  });

  describe('explicit links', () => {
    it('links custom-token to an email/password user; logging in with either reaches the same user', async () => {
      await registerConfirmed(t, 'ada@example.com', PASSWORD);
      const me = await loggedIn(await passwordLogin(t, 'ada@example.com', PASSWORD));
      const linked = await linkWith(t, me.access_token, 'custom-token', { token: await customToken(t, 'ada-sub', { name: 'Ada L.' }) });
      expect(linked.status).toBe(200);
      expect(linked.body.data).toEqual({ email: 'ada@example.com', name: 'Ada L.' });

      const viaToken = await loggedIn(await loginWith(t, 'custom-token', { token: await customToken(t, 'ada-sub', { name: 'Ada' }) }));
      const viaPassword = await loggedIn(await passwordLogin(t, 'ada@example.com', PASSWORD));
      expect([viaToken.user_id, viaPassword.user_id]).toEqual([me.user_id, me.user_id]);
      // Each identity keeps its own data; the user's merges them, the latest login winning per field.
      const profile = await profileOf(t, viaPassword.access_token);
      expect(profile.data).toEqual({ email: 'ada@example.com', name: 'Ada' });
      expect(profile.identities).toHaveLength(2);
      expect((await t.auth.users.list()).users).toHaveLength(1);
    });

    it('links custom-function and the user’s own API key; a repeated link changes nothing', async () => {
      t.employees.add('E-1');
      await registerConfirmed(t, 'ada@example.com', PASSWORD);
      const me = await loggedIn(await passwordLogin(t, 'ada@example.com', PASSWORD));
      expect((await linkWith(t, me.access_token, 'custom-function', { employeeId: 'E-1', name: 'Ada' })).status).toBe(200);
      expect((await linkWith(t, me.access_token, 'custom-function', { employeeId: 'E-1' })).status).toBe(200);
      const { key } = (await request(t.app).post('/auth/api_keys').set(bearer(me.access_token)).send({ name: 'cli' })).body;
      expect((await linkWith(t, me.access_token, 'api-key', { key })).status).toBe(200);
      const viaFunction = await loggedIn(await loginWith(t, 'custom-function', { employeeId: 'E-1' }));
      expect(viaFunction.user_id).toBe(me.user_id);
      const user = await t.auth.users.get(me.user_id);
      expect(user!.identities.map((i) => i.providerType).sort()).toEqual(['api-key', 'custom-function', 'local-userpass']);
    });

    it('refuses an identity owned by another user with 409 IdentityAlreadyExists and changes neither user', async () => {
      await registerConfirmed(t, 'ada@example.com', PASSWORD);
      const ada = await loggedIn(await passwordLogin(t, 'ada@example.com', PASSWORD));
      const bob = await loggedIn(await loginWith(t, 'custom-token', { token: await customToken(t, 'bob-sub', { name: 'Bob' }) }));
      const before = [await t.auth.users.get(ada.user_id), await t.auth.users.get(bob.user_id)];

      const takeToken = await linkWith(t, ada.access_token, 'custom-token', { token: await customToken(t, 'bob-sub', { name: 'Mallory' }) });
      expect(takeToken.status).toBe(409);
      expect(takeToken.body).toEqual({ error: 'a user already exists with the specified provider', error_code: 'IdentityAlreadyExists' });
      const takePassword = await linkWith(t, bob.access_token, 'local-userpass', { username: 'ada@example.com', password: PASSWORD });
      expect([takePassword.status, takePassword.body.error_code]).toEqual([409, 'IdentityAlreadyExists']);

      expect([await t.auth.users.get(ada.user_id), await t.auth.users.get(bob.user_id)]).toEqual(before);
      expect((await loggedIn(await passwordLogin(t, 'ada@example.com', PASSWORD))).user_id).toBe(ada.user_id);
    });

    it('gives one of 20 concurrent links of one identity to two users exactly one owner', async () => {
      const a = await anonLogin(t);
      const b = await anonLogin(t);
      const token = await customToken(t, 'contested');
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => linkWith(t, (i % 2 ? a : b).access_token, 'custom-token', { token })),
      );
      const owner = (await t.auth.users.findByIdentity('custom-token', 'contested'))!;
      const loserId = owner.id === a.user_id ? b.user_id : a.user_id;
      answers.forEach((res, i) => {
        const mine = (i % 2 ? a : b).user_id === owner.id;
        expect([i, res.status, res.body.error_code]).toEqual(mine ? [i, 200, undefined] : [i, 409, 'IdentityAlreadyExists']);
      });
      expect(owner.identities.map((i) => i.providerType)).toEqual(['anon-user', 'custom-token']);
      expect((await t.auth.users.get(loserId))!.identities.map((i) => i.providerType)).toEqual(['anon-user']);
    });
  });

  describe('App Services’ refusals', () => {
    it('refuses an anonymous identity, a second email/password identity, an unconfirmed one, and a server key', async () => {
      await registerConfirmed(t, 'ada@example.com', PASSWORD);
      await registerConfirmed(t, 'other@example.com', PASSWORD);
      const me = await loggedIn(await passwordLogin(t, 'ada@example.com', PASSWORD));

      const anon = await linkWith(t, me.access_token, 'anon-user', {});
      expect([anon.status, anon.body.error_code]).toEqual([400, 'LinkNotAllowed']);
      const second = await linkWith(t, me.access_token, 'local-userpass', { username: 'other@example.com', password: PASSWORD });
      expect(second.status).toBe(400);
      expect(second.body).toEqual({
        error: 'linking a local-userpass identity is not allowed when one is already linked',
        error_code: 'LinkNotAllowed',
      });

      const newcomer = await anonLogin(t);
      expect((await request(t.app).post('/auth/providers/local-userpass/register').send({ email: 'pending@example.com', password: PASSWORD })).status).toBe(201);
      const pending = await linkWith(t, newcomer.access_token, 'local-userpass', { username: 'pending@example.com', password: PASSWORD });
      expect([pending.status, pending.body.error_code]).toEqual([401, 'UserPending']);

      const server = await t.auth.users.apiKeys.createServerKey('ops');
      const serverLink = await linkWith(t, me.access_token, 'api-key', { key: server.key });
      expect([serverLink.status, serverLink.body.error_code]).toEqual([400, 'LinkNotAllowed']);

      expect((await t.auth.users.get(me.user_id))!.identities.map((i) => i.providerType)).toEqual(['local-userpass']);
      expect((await t.auth.users.get(newcomer.user_id))!.anonymous).toBe(true);
    });

    it('checks the credential it links: a wrong password is a 401 and links nothing', async () => {
      await registerConfirmed(t, 'ada@example.com', PASSWORD);
      const me = await anonLogin(t);
      const res = await linkWith(t, me.access_token, 'local-userpass', { username: 'ada@example.com', password: 'wrong password!' });
      expect([res.status, res.body.error_code]).toEqual([401, 'InvalidPassword']);
      expect((await t.auth.users.get(me.user_id))!.identities).toHaveLength(1);
    });
  });

  describe('unlink', () => {
    it('removes an identity (its credential with it) and refuses the last one', async () => {
      await registerConfirmed(t, 'ada@example.com', PASSWORD);
      const me = await loggedIn(await passwordLogin(t, 'ada@example.com', PASSWORD));
      await linkWith(t, me.access_token, 'custom-token', { token: await customToken(t, 'ada-sub', { name: 'Ada' }) });
      const upId = (await t.auth.users.get(me.user_id))!.identities.find((i) => i.providerType === 'local-userpass')!.id;

      const unlinked = await request(t.app).delete(`/auth/identities/local-userpass/${upId}`).set(bearer(me.access_token));
      expect(unlinked.status).toBe(200);
      expect(unlinked.body).toMatchObject({ user_id: me.user_id, data: { name: 'Ada' } });
      expect(unlinked.body.identities.map((i: { provider_type: string }) => i.provider_type)).toEqual(['custom-token']);
      // The password went with the identity; the token still logs in to the same user.
      expect((await passwordLogin(t, 'ada@example.com', PASSWORD)).body.error_code).toBe('InvalidPassword');
      expect((await loggedIn(await loginWith(t, 'custom-token', { token: await customToken(t, 'ada-sub') }))).user_id).toBe(me.user_id);

      const last = await request(t.app).delete('/auth/identities/custom-token/ada-sub').set(bearer(me.access_token));
      expect([last.status, last.body.error_code]).toEqual([400, 'LastIdentity']);
      expect((await t.auth.users.get(me.user_id))!.identities).toHaveLength(1);
      // The address is free again for a new registration.
      expect((await request(t.app).post('/auth/providers/local-userpass/register').send({ email: 'ada@example.com', password: PASSWORD })).status).toBe(201);
    });
  });
});
