/**
 * User API keys through realm-web's `user.apiKeys`, which App Services authorises with the
 * refresh token; on both stores.
 */
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../support/all-providers.js';
import { errorCodeOf, Realm, realmServer, type RealmServer } from '../support/realm-web.js';
import { storeCases } from '../support/stores.js';

const PASSWORD = 'correct-horse-battery-9';
const API_KEYS = '/api/client/v2.0/auth/api_keys';

interface Key {
  _id: string;
  name: string;
  disabled: boolean;
  key?: string;
}

describe.each(storeCases('realm_api_keys'))('realm-web API keys ($name)', ({ make }) => {
  let server: RealmServer;
  let n = 0;
  beforeAll(async () => {
    server = await realmServer(make(), 'auto');
  });

  async function member(): Promise<{ app: Realm.App; user: Realm.User }> {
    const app = server.realm();
    const email = `member-${n++}@example.com`;
    await app.emailPasswordAuth.registerUser({ email, password: PASSWORD });
    return { app, user: await app.logIn(Realm.Credentials.emailPassword(email, PASSWORD)) };
  }

  it('lists, disables, enables and deletes keys with fetchAll, disable, enable and delete', async () => {
    const { user } = await member();
    const created = (await user.apiKeys.create('ci')) as Key;
    await user.apiKeys.create('phone');
    expect(((await user.apiKeys.fetchAll()) as Key[]).map((k) => [k.name, k.disabled]).sort()).toEqual([
      ['ci', false],
      ['phone', false],
    ]);
    expect((await user.apiKeys.fetchAll()) as Key[]).not.toContainEqual(expect.objectContaining({ key: expect.anything() }));
    expect(((await user.apiKeys.fetch(created._id)) as Key).name).toBe('ci');

    await user.apiKeys.disable(created._id);
    expect(((await user.apiKeys.fetch(created._id)) as Key).disabled).toBe(true);
    expect(await errorCodeOf(server.realm().logIn(Realm.Credentials.apiKey(created.key!)))).toBe('AuthError');

    await user.apiKeys.enable(created._id);
    expect((await server.realm().logIn(Realm.Credentials.apiKey(created.key!))).id).toBe(user.id);

    await user.apiKeys.delete(created._id);
    expect(((await user.apiKeys.fetchAll()) as Key[]).map((k) => k.name)).toEqual(['phone']);
    expect(await errorCodeOf(user.apiKeys.fetch(created._id))).toBe('APIKeyNotFound');
    expect(await errorCodeOf(server.realm().logIn(Realm.Credentials.apiKey(created.key!)))).toBe('AuthError');
  });

  it('keeps the refresh token: key calls do not rotate it', async () => {
    const { user } = await member();
    const refresh = user.refreshToken;
    await user.apiKeys.create('one');
    await user.apiKeys.fetchAll();
    expect(user.refreshToken).toBe(refresh);
    await user.refreshAccessToken();
  });

  it('refuses an access token in place of the refresh token with InvalidSession', async () => {
    const { user } = await member();
    const res = await request(server.app).get(API_KEYS).set(bearer(user.accessToken!));
    expect(res.status).toBe(401);
    expect(res.body.error_code).toBe('InvalidSession');
  });

  it('refuses a call without a token with MissingAuthReq', async () => {
    const res = await request(server.app).get(API_KEYS);
    expect(res.status).toBe(401);
    expect(res.body.error_code).toBe('MissingAuthReq');
  });

  it('refuses the refresh token of a session that was logged out', async () => {
    const { user } = await member();
    const refresh = user.refreshToken!;
    await user.logOut();
    const res = await request(server.app).get(API_KEYS).set(bearer(refresh));
    expect(res.status).toBe(401);
    expect(res.body.error_code).toBe('InvalidSession');
  });

  it('refuses an anonymous user with Forbidden', async () => {
    const user = await server.realm().logIn(Realm.Credentials.anonymous(false));
    expect(await errorCodeOf(user.apiKeys.create('nope'))).toBe('Forbidden');
  });

  it('refuses the refresh token of a user who was disabled (which ended their sessions)', async () => {
    const { user } = await member();
    await server.auth.users.disable(user.id);
    const res = await request(server.app).get(API_KEYS).set(bearer(user.refreshToken!));
    expect(res.status).toBe(401);
    expect(res.body.error_code).toBe('InvalidSession');
  });

  it('takes a native refresh token that was rotated away as reuse, and revokes its session', async () => {
    const login = await request(server.app).post('/auth/providers/anon-user/login').send({});
    const rotated = await request(server.app).post('/auth/session').set(bearer(login.body.refresh_token));
    server.clock.advance(60);
    const reused = await request(server.app).get(API_KEYS).set(bearer(login.body.refresh_token));
    expect(reused.status).toBe(401);
    expect(reused.body.error_code).toBe('InvalidSession');
    expect((await request(server.app).post('/auth/session').set(bearer(rotated.body.refresh_token))).status).toBe(401);
  });
});
