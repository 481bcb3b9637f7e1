/**
 * realm-web 2.0.1, unmodified, logging in against the App Services routes with every built
 * provider, in Node, on a real server on 127.0.0.1, on both stores.
 */
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { customToken } from '../support/all-providers.js';
import { errorCodeOf, Realm, realmServer, type RealmServer } from '../support/realm-web.js';
import { storeCases } from '../support/stores.js';

const PASSWORD = 'correct-horse-battery-9';

describe.each(storeCases('realm_logins'))('realm-web logins ($name)', ({ make }) => {
  let auto: RealmServer;
  let email: RealmServer;
  beforeAll(async () => {
    auto = await realmServer(make(), 'auto');
    email = await realmServer(make(), 'email');
  });

  describe('anonymous', () => {
    it('logs in, fetches the profile, and reuses the user on the next anonymous login', async () => {
      const app = auto.realm();
      const user = await app.logIn(Realm.Credentials.anonymous());
      expect(user.id).toMatch(/^[0-9a-f]{24}$/);
      expect(user.profile).toEqual({});
      expect(user.identities).toEqual([{ id: expect.any(String), providerType: 'anon-user' }]);
      expect(user.providerType).toBe('anon-user');
      expect((await app.logIn(Realm.Credentials.anonymous())).id).toBe(user.id);
    });

    it('logs in again with the device id it stored (an Extended JSON ObjectId in the body)', async () => {
      const app = auto.realm();
      const first = await app.logIn(Realm.Credentials.anonymous(false));
      expect(first.deviceId).toMatch(/^[0-9a-f]{24}$/);
      const second = await app.logIn(Realm.Credentials.anonymous(false));
      expect(second.id).not.toBe(first.id);
    });
  });

  describe('email/password, auto confirmation', () => {
    it('registers with registerUser and logs in with the email in the profile', async () => {
      const app = auto.realm();
      await app.emailPasswordAuth.registerUser({ email: 'ada@example.com', password: PASSWORD });
      const user = await app.logIn(Realm.Credentials.emailPassword('ada@example.com', PASSWORD));
      expect(user.profile.email).toBe('ada@example.com');
      expect(user.identities.map((i) => i.providerType)).toEqual(['local-userpass']);
    });

    it('reports a taken email as AccountNameInUse', async () => {
      const app = auto.realm();
      await app.emailPasswordAuth.registerUser({ email: 'taken@example.com', password: PASSWORD });
      expect(await errorCodeOf(app.emailPasswordAuth.registerUser({ email: 'taken@example.com', password: PASSWORD }))).toBe(
        'AccountNameInUse',
      );
    });

    it('reports a wrong password and an unknown user alike as InvalidPassword', async () => {
      const app = auto.realm();
      await app.emailPasswordAuth.registerUser({ email: 'grace@example.com', password: PASSWORD });
      expect(await errorCodeOf(app.logIn(Realm.Credentials.emailPassword('grace@example.com', 'wrong-password-1')))).toBe(
        'InvalidPassword',
      );
      expect(await errorCodeOf(app.logIn(Realm.Credentials.emailPassword('nobody@example.com', PASSWORD)))).toBe('InvalidPassword');
    });
  });

  describe('email/password, email confirmation', () => {
    it('confirms with confirmUser({ token, tokenId }) from the mail, then logs in', async () => {
      const app = email.realm();
      await app.emailPasswordAuth.registerUser({ email: 'lin@example.com', password: PASSWORD });
      expect(await errorCodeOf(app.logIn(Realm.Credentials.emailPassword('lin@example.com', PASSWORD)))).toBe('UserPending');
      const { token, tokenId } = email.mail.findLast((m) => m.email === 'lin@example.com')!;
      await app.emailPasswordAuth.confirmUser({ token, tokenId });
      const user = await app.logIn(Realm.Credentials.emailPassword('lin@example.com', PASSWORD));
      expect(user.profile.email).toBe('lin@example.com');
    });

    it('reports a spent confirmation token as UserpassTokenInvalid', async () => {
      const app = email.realm();
      await app.emailPasswordAuth.registerUser({ email: 'once@example.com', password: PASSWORD });
      const { token, tokenId } = email.mail.findLast((m) => m.email === 'once@example.com')!;
      await app.emailPasswordAuth.confirmUser({ token, tokenId });
      expect(await errorCodeOf(app.emailPasswordAuth.confirmUser({ token, tokenId }))).toBe('UserpassTokenInvalid');
    });
  });

  describe('custom JWT', () => {
    it('logs in with Credentials.jwt; the identity id is the token subject and its name is mapped', async () => {
      const app = auto.realm();
      const user = await app.logIn(Realm.Credentials.jwt(await customToken(auto, 'emp-42', { name: 'Ada' })));
      expect(user.identities).toEqual([{ id: 'emp-42', providerType: 'custom-token' }]);
      expect(user.profile.name).toBe('Ada');
    });

    it('reports a token with a bad signature as AuthError', async () => {
      const forged = (await customToken(auto, 'emp-42')).replace(/\.[^.]+$/, '.AAAA');
      expect(await errorCodeOf(auto.realm().logIn(Realm.Credentials.jwt(forged)))).toBe('AuthError');
    });
  });

  describe('custom function', () => {
    it('logs in with Credentials.function; numbers in the payload arrive as plain numbers', async () => {
      auto.employees.add('e-7');
      const app = auto.realm();
      const user = await app.logIn(Realm.Credentials.function({ employeeId: 'e-7', name: 'Grace', level: 3, ratio: 0.5 }));
      expect(user.identities).toEqual([{ id: 'e-7', providerType: 'custom-function' }]);
      expect(user.profile.name).toBe('Grace');
      expect(auto.payloads.at(-1)).toEqual({ employeeId: 'e-7', name: 'Grace', level: 3, ratio: 0.5 });
    });

    it('reports the function’s refusal as AuthError', async () => {
      expect(await errorCodeOf(auto.realm().logIn(Realm.Credentials.function({ employeeId: 'stranger' })))).toBe('AuthError');
    });
  });

  describe('API key', () => {
    it('logs in with a key made by user.apiKeys.create, as the user who made it', async () => {
      const app = auto.realm();
      await app.emailPasswordAuth.registerUser({ email: 'keys@example.com', password: PASSWORD });
      const owner = await app.logIn(Realm.Credentials.emailPassword('keys@example.com', PASSWORD));
      const created = (await owner.apiKeys.create('laptop')) as { _id: string; key: string; name: string; disabled: boolean };
      expect(created).toMatchObject({ name: 'laptop', disabled: false, key: expect.any(String) });
      const viaKey = await auto.realm().logIn(Realm.Credentials.apiKey(created.key));
      expect(viaKey.id).toBe(owner.id);
      expect(await errorCodeOf(auto.realm().logIn(Realm.Credentials.apiKey('not-a-key')))).toBe('AuthError');
    });
  });

  describe('routes', () => {
    it('answers an unknown app id with 404', async () => {
      const res = await request(auto.app).get('/api/client/v2.0/app/someone-else/location');
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error_code: 'NotFound' });
      const login = await request(auto.app).post('/api/client/v2.0/app/someone-else/auth/providers/anon-user/login').send({});
      expect(login.status).toBe(404);
    });

    it('answers a provider that is not enabled as ProviderNotEnabled', async () => {
      const res = await request(auto.app).post(`/api/client/v2.0/app/${auto.appId}/auth/providers/oauth2-google/login`).send({});
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error_code: 'ProviderNotEnabled' });
    });
  });
});
