import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { storeCases, type StoreCase } from '../support/stores.js';

function app(store: StoreCase): TestApp {
  return createTestApp({
    store: store.make(),
    providers: {
      'anon-user': {},
      'local-userpass': { confirmation: { mode: 'auto' }, hashing: { memoryCost: 1024, timeCost: 1 } },
      'api-key': {},
    },
  });
}

const post = (t: TestApp, path: string) => request(t.app).post(`/auth${path}`);

describe.each(storeCases('request_errors'))('request errors a person understands, on $name', (store) => {
  describe('a login body with the wrong field name', () => {
    it('tells an email/password client to send the address as username', async () => {
      const res = await post(app(store), '/providers/local-userpass/login').send({ email: 'ada@example.com', password: 'analytical-engine' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'username is required: send the email as "username"', error_code: 'InvalidParameter' });
    });

    it('tells an API-key client to send the key as key', async () => {
      const res = await post(app(store), '/providers/api-key/login').send({ api_key: 'eapk_x' });
      expect(res.body).toEqual({ error: 'key is required: send the api_key as "key"', error_code: 'InvalidParameter' });
    });
  });

  describe('a body that is not JSON', () => {
    it.each([
      ['a form', 'application/x-www-form-urlencoded', 'email=ada%40example.com&password=x'],
      ['plain text holding JSON', 'text/plain', '{"email":"ada@example.com"}'],
    ])('answers %s with 415 UnsupportedMediaType, saying JSON is expected', async (_what, type, body) => {
      const t = app(store);
      for (const path of ['/providers/local-userpass/register', '/providers/anon-user/login']) {
        const res = await post(t, path).set('Content-Type', type).send(body);
        expect(res.status, path).toBe(415);
        expect(res.body).toEqual({
          error: 'the request body must be JSON, sent with Content-Type: application/json',
          error_code: 'UnsupportedMediaType',
        });
      }
    });

    it('lets a request without a body through', async () => {
      expect((await post(app(store), '/providers/anon-user/login')).status).toBe(200);
    });
  });

  describe('the routes of a disabled provider', () => {
    it.each([
      ['post', '/providers/custom-token/login'],
      ['post', '/providers/custom-function/anything'],
      ['get', '/providers/oauth2-google/callback'],
    ] as const)('answer %s %s with 404 ProviderNotEnabled, like its login route', async (method, path) => {
      const res = await request(app(store).app)[method](`/auth${path}`);
      expect([res.status, res.body.error_code]).toEqual([404, 'ProviderNotEnabled']);
    });

    it('keeps NotFound for an unknown route of an enabled provider', async () => {
      const res = await post(app(store), '/providers/local-userpass/nothing-here').send({});
      expect([res.status, res.body.error_code]).toEqual([404, 'NotFound']);
    });
  });

  describe('messages for fields of the wrong kind', () => {
    it.each([
      [{ password: 'analytical-engine' }, 'invalid email: is required'],
      [{ email: 'ada@example.com', password: 123 }, 'invalid password: must be a string, not a number'],
      [{ email: { $ne: null }, password: 'x' }, 'invalid email: must be a string, not an object'],
      [{ email: ['a'], password: 'x' }, 'invalid email: must be a string, not an array'],
      [{ email: 'ada', password: 'analytical-engine' }, 'invalid email: must be an email address'],
    ])('register %j → "%s"', async (body, message) => {
      const res = await post(app(store), '/providers/local-userpass/register').send(body);
      expect(res.body).toEqual({ error: message, error_code: 'InvalidParameter' });
    });

    it('says how long a key name may be', async () => {
      const t = app(store);
      const anon = await post(t, '/providers/anon-user/login');
      await t.auth.store.updateUser(anon.body.user_id, { anonymous: false });
      const session = await request(t.app).post('/auth/session').set('Authorization', `Bearer ${anon.body.refresh_token}`);
      const res = await post(t, '/api_keys').set('Authorization', `Bearer ${session.body.access_token}`).send({ name: 'k'.repeat(65) });
      expect(res.body).toEqual({ error: 'invalid name: must be at most 64 characters long', error_code: 'InvalidParameter' });
    });
  });
});
