import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { storeCases, type StoreCase } from '../support/stores.js';
import { createKey, permanentUser } from '../providers/api-key.helpers.js';

const PASSWORD = 'Kx7-correct-horse-battery';
// Spellings of one provider name that Express decodes to the same `:provider`.
const USERPASS = ['local-userpass', 'local%2Duserpass', '%6Cocal-userpass', '%6c%6f%63%61%6c%2d%75%73%65%72%70%61%73%73'];
const API_KEY = ['api-key', 'api%2Dkey', '%61pi-key'];

function limitedApp(store: StoreCase): TestApp {
  return createTestApp({
    store: store.make(),
    providers: {
      'anon-user': {},
      'local-userpass': {
        confirmation: { mode: 'auto' },
        hashing: { memoryCost: 1024, timeCost: 1 },
        rateLimit: { login: { failedPerAccount: { limit: 3 } } },
      },
      'api-key': { rateLimit: { login: { failedPerIp: { limit: 3 } } } },
    },
  });
}

const userpassLogin = (t: TestApp, spelling: string, password: string) =>
  request(t.app).post(`/auth/providers/${spelling}/login`).send({ username: 'victim@example.com', password });

describe.each(storeCases('limit_spelling'))('login rate limits whatever the spelling of the provider, on $name', (store) => {
  describe('local-userpass failed logins per account', () => {
    it('refuses every percent-encoded spelling once the account is locked, the right password included', async () => {
      const t = limitedApp(store);
      expect((await request(t.app).post('/auth/providers/local-userpass/register').send({ email: 'victim@example.com', password: PASSWORD })).status).toBe(201);
      for (let i = 0; i < 3; i++) expect((await userpassLogin(t, USERPASS[i % USERPASS.length]!, `wrong-${i}-password`)).status).toBe(401);
      for (const spelling of USERPASS) {
        const res = await userpassLogin(t, spelling, PASSWORD);
        expect(res.status, spelling).toBe(429);
        expect(res.body.error_code).toBe('TooManyRequests');
      }
    });

    it('counts failures sent through encoded spellings against the same account', async () => {
      const t = limitedApp(store);
      const encoded = USERPASS.slice(1);
      for (const spelling of encoded) expect((await userpassLogin(t, spelling, 'wrong-password-1')).status).toBe(401);
      expect((await userpassLogin(t, 'local-userpass', 'wrong-password-2')).status).toBe(429);
    });

    it('applies to links through an encoded spelling too', async () => {
      const t = limitedApp(store);
      for (let i = 0; i < 3; i++) expect((await userpassLogin(t, 'local-userpass', `wrong-${i}-password`)).status).toBe(401);
      const anon = await request(t.app).post('/auth/providers/anon-user/login').send({});
      const res = await request(t.app)
        .post('/auth/link/providers/local%2Duserpass/login')
        .set('Authorization', `Bearer ${anon.body.access_token}`)
        .send({ username: 'victim@example.com', password: PASSWORD });
      expect(res.status).toBe(429);
    });
  });

  describe('api-key failed logins per address', () => {
    it('refuses the right key under every spelling once the address has failed too often', async () => {
      const t = limitedApp(store);
      const { key } = await createKey(t, await permanentUser(t), 'ci');
      for (const spelling of API_KEY) {
        expect((await request(t.app).post(`/auth/providers/${spelling}/login`).send({ key: 'eapk_guess' })).status).toBe(401);
      }
      for (const spelling of API_KEY) {
        expect((await request(t.app).post(`/auth/providers/${spelling}/login`).send({ key })).status, spelling).toBe(429);
      }
    });
  });

  describe('a spelling that names no enabled provider', () => {
    it.each(['Local-Userpass', 'local-userpass%00', 'local%252Duserpass'])('answers %s with 404 ProviderNotEnabled', async (spelling) => {
      const t = limitedApp(store);
      const res = await request(t.app).post(`/auth/providers/${spelling}/login`).send({ username: 'victim@example.com', password: PASSWORD });
      expect(res.status).toBe(404);
      expect(res.body.error_code).toBe('ProviderNotEnabled');
    });
  });
});
