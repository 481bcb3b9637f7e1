import type { RequestHandler } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../src/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { storeCases, type StoreCase } from '../support/stores.js';

const ADMIN = { 'X-Admin-Key': 'let-me-in' };
const adminOnly: RequestHandler = (req, _res, next) =>
  next(req.get('X-Admin-Key') === 'let-me-in' ? undefined : new AuthError('Forbidden', 'administrators only'));

const nested = (levels: number): Record<string, unknown> => {
  let doc: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < levels; i++) doc = { a: doc };
  return doc;
};

/** Documents no MongoDB-compatible server stores as they are. */
const UNSTORABLE: [string, Record<string, unknown>][] = [
  ['an operator key', { $ne: null }],
  ['a dotted key', { 'a.b': 1 }],
  ['an operator key deep inside', { os: { version: { $gt: '' } } }],
  ['a dotted key inside an array', { list: [{ 'x.y': 1 }] }],
  ['nesting 1000 levels deep', nested(1000)],
];

function app(store: StoreCase): TestApp {
  const t = createTestApp({
    store: store.make(),
    providers: { 'anon-user': {}, 'custom-function': { authenticate: ({ id }) => (typeof id === 'string' ? id : null) } },
  });
  t.app.use('/admin', t.auth.adminRouter(adminOnly));
  return t;
}

const users = async (t: TestApp) => (await t.auth.users.list({ limit: 100 })).users;

describe.each(storeCases('storable_input'))('documents from clients and hosts, on $name', (store) => {
  describe('options.device of a login', () => {
    it.each(UNSTORABLE)('refuses %s with 400 InvalidParameter and creates nothing', async (_what, device) => {
      const t = app(store);
      for (const [path, body] of [
        ['/auth/providers/anon-user/login', {}],
        ['/auth/providers/custom-function/login', { id: 'emp-1' }],
      ] as const) {
        const res = await request(t.app).post(path).send({ ...body, options: { device } });
        expect(res.status, path).toBe(400);
        expect(res.body.error_code).toBe('InvalidParameter');
        expect(res.body.error).toMatch(/^invalid options\.device: /);
      }
      expect(await users(t)).toEqual([]);
    });

    it('refuses it on a link login (?link=true) before the identity is added', async () => {
      const t = app(store);
      const anon = await request(t.app).post('/auth/providers/anon-user/login').send({});
      const res = await request(t.app)
        .post('/auth/providers/custom-function/login?link=true')
        .set('Authorization', `Bearer ${anon.body.access_token}`)
        .send({ id: 'emp-9', options: { device: { $where: '1' } } });
      expect(res.status).toBe(400);
      expect(await t.auth.users.findByIdentity('custom-function', 'emp-9')).toBeNull();
    });

    it('stores a plain device description', async () => {
      const t = app(store);
      const device = { platform: 'web', sdk: { name: 'realm-web', version: '2.0.1' }, tags: ['a', 1, null] };
      const res = await request(t.app).post('/auth/providers/anon-user/login').send({ options: { device } });
      expect(res.status).toBe(200);
      const [session] = await t.auth.store.listSessions(res.body.user_id, t.clock.now());
      expect(session?.device).toEqual(device);
    });
  });

  describe('custom data', () => {
    it.each([...UNSTORABLE, ['an update document', { $set: {} }]] as [string, Record<string, unknown>][])(
      'refuses %s on the admin route with 400 and leaves the user as it was',
      async (_what, doc) => {
        const t = app(store);
        const anon = await request(t.app).post('/auth/providers/anon-user/login').send({});
        await t.auth.users.setCustomData(anon.body.user_id, { plan: 'free' });
        const res = await request(t.app).put(`/admin/users/${anon.body.user_id}/custom_data`).set(ADMIN).send(doc);
        expect(res.status).toBe(400);
        expect(res.body.error_code).toBe('InvalidParameter');
        expect((await t.auth.users.get(anon.body.user_id))?.customData).toEqual({ plan: 'free' });
      },
    );

    it('refuses it through auth.users.setCustomData with an InvalidParameter AuthError', async () => {
      const t = app(store);
      const anon = await request(t.app).post('/auth/providers/anon-user/login').send({});
      await expect(t.auth.users.setCustomData(anon.body.user_id, { 'a.b': 1 })).rejects.toMatchObject({ code: 'InvalidParameter' });
    });
  });
});
