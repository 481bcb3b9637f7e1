import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { storeCases } from '../support/stores.js';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function anonLogin(app: TestApp['app']) {
  const res = await request(app).post('/auth/providers/anon-user/login').send({});
  expect(res.status).toBe(200);
  return res.body as { access_token: string; refresh_token: string; user_id: string };
}

describe.each(storeCases('link-routes'))('link and unlink routes on $name', ({ make }) => {
  const setup = () => createTestApp({ store: make(), providers: { 'anon-user': {} } });

  describe('POST /link/providers/:provider/login', () => {
    it('requires the current user’s access token before any credential is looked at', async () => {
      const { app, auth } = setup();
      const res = await request(app).post('/auth/link/providers/anon-user/login').send({});
      expect(res.status).toBe(401);
      expect(res.body.error_code).toBe('MissingAuthReq');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect((await auth.users.list()).users).toEqual([]);
    });

    it('refuses a refresh token, and an access token whose session has ended', async () => {
      const { app } = setup();
      const me = await anonLogin(app);
      const withRefresh = await request(app).post('/auth/link/providers/anon-user/login').set(bearer(me.refresh_token)).send({});
      expect([withRefresh.status, withRefresh.body.error_code]).toEqual([401, 'InvalidSession']);
      await request(app).delete('/auth/session').set(bearer(me.refresh_token));
      const ended = await request(app).post('/auth/link/providers/anon-user/login').set(bearer(me.access_token)).send({});
      expect([ended.status, ended.body.error_code]).toEqual([401, 'InvalidSession']);
    });

    it('refuses to link an anonymous identity with 400 LinkNotAllowed and creates no user', async () => {
      const { app, auth } = setup();
      const me = await anonLogin(app);
      const res = await request(app).post('/auth/link/providers/anon-user/login').set(bearer(me.access_token)).send({});
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'linking an anonymous identity is not allowed', error_code: 'LinkNotAllowed' });
      expect((await auth.users.list()).users.map((u) => u.id)).toEqual([me.user_id]);
    });

    it('answers 404 ProviderNotEnabled for a provider that is not enabled', async () => {
      const { app } = setup();
      const me = await anonLogin(app);
      const res = await request(app).post('/auth/link/providers/custom-token/login').set(bearer(me.access_token)).send({});
      expect([res.status, res.body.error_code]).toEqual([404, 'ProviderNotEnabled']);
    });
  });

  describe('POST /providers/:provider/login?link=true', () => {
    it('links instead of logging in, and needs the access token for it', async () => {
      const { app, auth } = setup();
      const anonymous = await request(app).post('/auth/providers/anon-user/login?link=true').send({});
      expect([anonymous.status, anonymous.body.error_code]).toEqual([401, 'MissingAuthReq']);
      const me = await anonLogin(app);
      const res = await request(app).post('/auth/providers/anon-user/login?link=true').set(bearer(me.access_token)).send({});
      expect([res.status, res.body.error_code]).toEqual([400, 'LinkNotAllowed']);
      expect((await auth.users.list()).users).toHaveLength(1);
    });

    it('logs in as usual with link=false', async () => {
      const { app } = setup();
      const res = await request(app).post('/auth/providers/anon-user/login?link=false').send({});
      expect(res.status).toBe(200);
      expect(res.body.refresh_token).toBeDefined();
    });
  });

  describe('DELETE /identities/:providerType/:id', () => {
    it('refuses to remove the last identity with 400 LastIdentity', async () => {
      const { app, auth } = setup();
      const me = await anonLogin(app);
      const [identity] = (await auth.users.get(me.user_id))!.identities;
      const res = await request(app).delete(`/auth/identities/anon-user/${identity!.id}`).set(bearer(me.access_token));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'the last identity of a user cannot be removed', error_code: 'LastIdentity' });
      expect((await auth.users.get(me.user_id))!.identities).toHaveLength(1);
    });

    it('answers 404 for another user’s identity, an unknown one, and an unknown provider type', async () => {
      const { app, auth } = setup();
      const me = await anonLogin(app);
      const other = await anonLogin(app);
      const [theirs] = (await auth.users.get(other.user_id))!.identities;
      for (const path of [`anon-user/${theirs!.id}`, 'anon-user/nope', 'no-such-provider/x']) {
        const res = await request(app).delete(`/auth/identities/${path}`).set(bearer(me.access_token));
        expect([res.status, res.body.error_code]).toEqual([404, 'NotFound']);
      }
      expect((await auth.users.get(other.user_id))!.identities).toHaveLength(1);
    });

    it('requires an access token', async () => {
      const { app } = setup();
      const res = await request(app).delete('/auth/identities/anon-user/x');
      expect([res.status, res.body.error_code]).toEqual([401, 'MissingAuthReq']);
    });
  });
});
