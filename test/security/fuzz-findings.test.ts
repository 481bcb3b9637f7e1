import type { RequestHandler } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { AuthError, type UserpassMail } from '../../src/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { storeCases, type StoreCase } from '../support/stores.js';

// Defects the fuzz tests found, each pinned down by the smallest request that showed it.

const adminOnly: RequestHandler = (req, _res, next) =>
  next(req.get('X-Admin-Key') === 'let-me-in' ? undefined : new AuthError('Forbidden', 'administrators only'));

function app(store: StoreCase): TestApp & { mail: UserpassMail[] } {
  const mail: UserpassMail[] = [];
  const send = (m: UserpassMail) => void mail.push(m);
  const t = createTestApp({
    store: store.make(),
    providers: {
      'anon-user': {},
      'local-userpass': {
        confirmation: { mode: 'email', url: 'https://app.test/confirm', send },
        reset: { mode: 'email', url: 'https://app.test/reset', send },
        hashing: { memoryCost: 1024, timeCost: 1 },
      },
      'api-key': {},
    },
  });
  t.app.use('/admin', t.auth.adminRouter(adminOnly));
  return Object.assign(t, { mail });
}

describe.each(storeCases('fuzz_findings'))('requests the fuzz tests found answered wrongly, on $name', (store) => {
  it('answers a body whose Content-Encoding does not match it with 400, not 500', async () => {
    const t = app(store);
    for (const body of ['{}', '']) {
      const res = await request(t.app).post('/auth/providers/anon-user/login').set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send(body);
      expect([res.status, res.body.error_code]).toEqual([400, 'BadRequest']);
    }
  });

  it.each(['post /auth/providers/anon-user%G0/login', 'get /auth/api_keys/%zz', 'get /admin/users/%zz'])(
    'answers a malformed percent-escape in the path (%s) with 400, not 500',
    async (line) => {
      const t = app(store);
      const [method, path] = line.split(' ') as ['get' | 'post', string];
      const res = await request(t.app)[method](path).set('X-Admin-Key', 'let-me-in').send({});
      expect([res.status, res.body.error_code]).toEqual([400, 'BadRequest']);
    },
  );

  it('keeps a confirmation token usable after a request with the wrong tokenId', async () => {
    const t = app(store);
    await request(t.app).post('/auth/providers/local-userpass/register').send({ email: 'ada@example.com', password: 'analytical-engine-1843' }).expect(201);
    const { token, tokenId } = t.mail[0]!;
    const wrong = await request(t.app).post('/auth/providers/local-userpass/confirm').send({ token, tokenId: 'x' });
    expect([wrong.status, wrong.body.error_code]).toEqual([400, 'UserpassTokenInvalid']);
    expect((await request(t.app).post('/auth/providers/local-userpass/confirm').send({ token, tokenId })).status).toBe(204);
  });

  it('refuses arrays directly inside arrays in stored documents with 400, creating nothing', async () => {
    const t = app(store);
    const login = await request(t.app).post('/auth/providers/anon-user/login').send({ options: { device: { a: [[1]] } } });
    expect([login.status, login.body.error_code]).toEqual([400, 'InvalidParameter']);
    expect((await t.auth.users.list({ limit: 10 })).users).toEqual([]);
    const anon = await request(t.app).post('/auth/providers/anon-user/login').send({});
    const custom = await request(t.app).put(`/admin/users/${anon.body.user_id}/custom_data`).set('X-Admin-Key', 'let-me-in').send({ ' ': [{ username: [[]] }] });
    expect([custom.status, custom.body.error_code]).toEqual([400, 'InvalidParameter']);
  });

  it('refuses a JSON body in another charset (415) rather than reading it as empty: nothing is replaced', async () => {
    const t = app(store);
    const anon = await request(t.app).post('/auth/providers/anon-user/login').send({});
    await t.auth.users.setCustomData(anon.body.user_id, { plan: 'pro' });
    const res = await request(t.app)
      .put(`/admin/users/${anon.body.user_id}/custom_data`)
      .set('X-Admin-Key', 'let-me-in')
      .set('Content-Type', 'application/json; charset=utf-16')
      .send('{');
    expect([res.status, res.body.error_code]).toEqual([415, 'UnsupportedMediaType']);
    expect((await t.auth.users.get(anon.body.user_id))?.customData).toEqual({ plan: 'pro' });
    const login = await request(t.app).post('/auth/providers/anon-user/login').set('Content-Type', 'application/json; charset=utf-16').send(' ');
    expect(login.status).toBe(415);
    const utf8 = await request(t.app).post('/auth/providers/anon-user/login').set('Content-Type', 'application/json; charset=UTF-8').send('{}');
    expect(utf8.status).toBe(200);
  });
});
