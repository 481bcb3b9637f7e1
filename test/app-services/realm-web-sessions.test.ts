/**
 * realm-web 2.0.1 sessions against the App Services routes: refresh tokens that are kept,
 * profiles, linking, logout, deletion, custom data, password reset; on both stores.
 */
import request from 'supertest';
import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../support/all-providers.js';
import { errorCodeOf, Realm, realmServer, type RealmServer } from '../support/realm-web.js';
import { storeCases } from '../support/stores.js';

const PASSWORD = 'correct-horse-battery-9';
const SESSION = '/api/client/v2.0/auth/session';

describe.each(storeCases('realm_sessions'))('realm-web sessions ($name)', ({ make }) => {
  let server: RealmServer;
  beforeAll(async () => {
    server = await realmServer(make(), 'email');
  });

  /** A confirmed email/password account, logged in through realm-web. */
  async function emailUser(app: Realm.App, email: string): Promise<Realm.User> {
    await app.emailPasswordAuth.registerUser({ email, password: PASSWORD });
    const { token, tokenId } = server.mail.findLast((m) => m.email === email)!;
    await app.emailPasswordAuth.confirmUser({ token, tokenId });
    return app.logIn(Realm.Credentials.emailPassword(email, PASSWORD));
  }

  describe('refresh', () => {
    it('refreshes the access token twice with the same refresh token, which is kept', async () => {
      const user = await server.realm().logIn(Realm.Credentials.anonymous());
      const refresh = user.refreshToken;
      server.clock.advance(60);
      await user.refreshAccessToken();
      const first = user.accessToken;
      server.clock.advance(60);
      await user.refreshAccessToken();
      expect(user.refreshToken).toBe(refresh);
      expect(user.accessToken).not.toBe(first);
      expect(decodeJwt(user.accessToken!).sub).toBe(user.id);
    });

    it('keeps the session’s refresh token on the native POST /auth/session too, which then answers no new one', async () => {
      const user = await server.realm().logIn(Realm.Credentials.anonymous(false));
      const native = await request(server.app).post('/auth/session').set(bearer(user.refreshToken!));
      expect(native.status).toBe(200);
      expect(native.body.refresh_token).toBeUndefined();
      await user.refreshAccessToken();
      expect(user.isLoggedIn).toBe(true);
    });

    it('still rotates the refresh tokens of sessions opened on the native routes', async () => {
      const login = await request(server.app).post('/auth/providers/anon-user/login').send({});
      const first = await request(server.app).post(SESSION).set(bearer(login.body.refresh_token));
      expect(first.status).toBe(200);
      expect(first.body.refresh_token).toEqual(expect.any(String));
      server.clock.advance(60);
      const reused = await request(server.app).post(SESSION).set(bearer(login.body.refresh_token));
      expect(reused.status).toBe(401);
      expect(reused.body.error_code).toBe('InvalidSession');
    });

    it('answers an access token presented as a refresh token with InvalidSession', async () => {
      const user = await server.realm().logIn(Realm.Credentials.anonymous(false));
      const res = await request(server.app).post(SESSION).set(bearer(user.accessToken!));
      expect(res.status).toBe(401);
      expect(res.body.error_code).toBe('InvalidSession');
    });
  });

  describe('access token claims', () => {
    it('carries App Services’ device id and custom data claims, which realm-web reads', async () => {
      const app = server.realm();
      const user = await app.logIn(Realm.Credentials.anonymous(false));
      const claims = decodeJwt(user.accessToken!);
      expect(claims).toMatchObject({ sub: user.id, typ: 'access', baas_device_id: user.deviceId, stitch_devId: user.deviceId });
      expect(user.customData).toEqual({});
      await server.auth.users.setCustomData(user.id, { plan: 'pro', favourites: ['a'] });
      expect(await user.refreshCustomData()).toEqual({ plan: 'pro', favourites: ['a'] });
    });
  });

  describe('profile', () => {
    it('refreshProfile shows every identity and the merged metadata', async () => {
      const app = server.realm();
      const user = await emailUser(app, 'profile@example.com');
      await user.refreshProfile();
      expect(user.profile).toMatchObject({ email: 'profile@example.com' });
      expect(user.identities).toEqual([{ id: expect.any(String), providerType: 'local-userpass' }]);
      const raw = await request(server.app).get('/api/client/v2.0/auth/profile').set(bearer(user.accessToken!));
      expect(raw.body).toMatchObject({
        user_id: user.id,
        type: 'normal',
        identities: [{ id: expect.any(String), provider_type: 'local-userpass', provider_id: 'local-userpass' }],
        data: { email: 'profile@example.com' },
      });
    });
  });

  describe('linking', () => {
    it('links email/password to an anonymous user, which keeps its id', async () => {
      const app = server.realm();
      const user = await app.logIn(Realm.Credentials.anonymous());
      await app.emailPasswordAuth.registerUser({ email: 'upgrade@example.com', password: PASSWORD });
      const { token, tokenId } = server.mail.findLast((m) => m.email === 'upgrade@example.com')!;
      await app.emailPasswordAuth.confirmUser({ token, tokenId });
      await user.linkCredentials(Realm.Credentials.emailPassword('upgrade@example.com', PASSWORD));
      expect(user.identities.map((i) => i.providerType).sort()).toEqual(['anon-user', 'local-userpass']);
      expect(user.profile.email).toBe('upgrade@example.com');
      const later = await server.realm().logIn(Realm.Credentials.emailPassword('upgrade@example.com', PASSWORD));
      expect(later.id).toBe(user.id);
    });

    it('refuses a credential that belongs to another user with IdentityAlreadyExists (not a retry loop)', async () => {
      const app = server.realm();
      await emailUser(app, 'owner@example.com');
      const other = await app.logIn(Realm.Credentials.anonymous(false));
      expect(await errorCodeOf(other.linkCredentials(Realm.Credentials.emailPassword('owner@example.com', PASSWORD)))).toBe(
        'IdentityAlreadyExists',
      );
    });
  });

  describe('logout and deletion', () => {
    it('logOut ends the session: its refresh token no longer refreshes', async () => {
      const user = await server.realm().logIn(Realm.Credentials.anonymous(false));
      const refresh = user.refreshToken!;
      await user.logOut();
      expect(user.isLoggedIn).toBe(false);
      const res = await request(server.app).post(SESSION).set(bearer(refresh));
      expect(res.status).toBe(401);
      expect(res.body.error_code).toBe('InvalidSession');
    });

    it('app.deleteUser deletes the account: its password no longer logs in', async () => {
      const app = server.realm();
      const user = await emailUser(app, 'leaving@example.com');
      const refresh = user.refreshToken!;
      await app.deleteUser(user);
      expect(await server.store.getUser(user.id)).toBeNull();
      expect((await request(server.app).post(SESSION).set(bearer(refresh))).status).toBe(401);
      expect(await errorCodeOf(server.realm().logIn(Realm.Credentials.emailPassword('leaving@example.com', PASSWORD)))).toBe(
        'InvalidPassword',
      );
    });
  });

  describe('password reset', () => {
    it('sendResetPasswordEmail mails a token that resetPassword redeems; the old password stops working', async () => {
      const app = server.realm();
      const user = await emailUser(app, 'forgetful@example.com');
      await app.emailPasswordAuth.sendResetPasswordEmail({ email: 'forgetful@example.com' });
      const { token, tokenId } = server.mail.findLast((m) => m.email === 'forgetful@example.com' && m.url.includes('reset'))!;
      await app.emailPasswordAuth.resetPassword({ token, tokenId, password: 'a-brand-new-secret-7' });
      expect(await errorCodeOf(app.logIn(Realm.Credentials.emailPassword('forgetful@example.com', PASSWORD)))).toBe(
        'InvalidPassword',
      );
      const again = await app.logIn(Realm.Credentials.emailPassword('forgetful@example.com', 'a-brand-new-secret-7'));
      expect(again.id).toBe(user.id);
    });

    it('reports a reset with a bad token as UserpassTokenInvalid', async () => {
      const app = server.realm();
      expect(
        await errorCodeOf(app.emailPasswordAuth.resetPassword({ token: 'x'.repeat(43), tokenId: 'y'.repeat(24), password: 'another-secret-8' })),
      ).toBe('UserpassTokenInvalid');
    });
  });
});
