import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createAuth, MemoryStore, type AuthOptions } from '../../src/index.js';
import { createTestApp, MemoryLogger, testSigningKey, type TestApp } from '../support/app.js';
import { CookieJar, setCookies } from '../support/cookies.js';
import { storeCases } from '../support/stores.js';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const DAY = 86_400;

/** A request from the browser whose cookies `jar` holds (same-origin, as the page's own fetch). */
function send(t: TestApp, jar: CookieJar, method: 'get' | 'post' | 'delete', path: string) {
  const req = request(t.app)[method](path).set('Sec-Fetch-Site', 'same-origin');
  const cookie = jar.header(path);
  return cookie ? req.set('Cookie', cookie) : req;
}

async function cookieLogin(t: TestApp, jar = new CookieJar()) {
  const res = await send(t, jar, 'post', '/auth/providers/anon-user/login').send({});
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  jar.take(res);
  return { res, jar };
}

describe.each(storeCases('cookie_mode'))('cookie mode on $name', ({ make }) => {
  const setup = (extra: Partial<AuthOptions> = {}) =>
    createTestApp({
      store: make(),
      providers: {
        'anon-user': {},
        'local-userpass': { confirmation: { mode: 'auto' }, hashing: { memoryCost: 1024, timeCost: 1 } },
      },
      cookies: true,
      ...extra,
    });

  describe('a login', () => {
    it('sets the access and refresh tokens as HttpOnly SameSite=Lax cookies, the refresh cookie scoped to the session route', async () => {
      const t = setup();
      const { res } = await cookieLogin(t);
      const cookies = setCookies(res);
      expect(Object.keys(cookies).sort()).toEqual(['auth-access', 'auth-refresh']);
      const access = cookies['auth-access']!;
      expect(access.value.split('.')).toHaveLength(3);
      expect(access.attributes).toMatchObject({ httponly: true, samesite: 'Lax', path: '/', 'max-age': '1800' });
      const refresh = cookies['auth-refresh']!;
      expect(refresh.attributes).toMatchObject({ httponly: true, samesite: 'Lax', path: '/auth/session', 'max-age': String(60 * DAY) });
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('answers a JSON body without any token: only user_id, device_id and expires_in', async () => {
      const t = setup();
      const { res } = await cookieLogin(t);
      expect(Object.keys(res.body).sort()).toEqual(['device_id', 'expires_in', 'user_id']);
      expect(res.body.expires_in).toBe(1800);
      expect(JSON.stringify(res.body)).not.toContain(setCookies(res)['auth-access']!.value);
    });

    it('answers in JSON with both tokens and sets no cookie when the client asks (Token-Delivery: json)', async () => {
      const t = setup();
      const res = await request(t.app).post('/auth/providers/anon-user/login').set('Token-Delivery', 'json').send({});
      expect(res.status).toBe(200);
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.body).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String), refresh_token: expect.any(String) });
      expect((await request(t.app).get('/posts').set(bearer(res.body.access_token))).status).toBe(200);
    });
  });

  describe('the Secure attribute', () => {
    it('is left out over http on 127.0.0.1 and localhost outside production, with unprefixed names', async () => {
      const t = setup();
      for (const host of ['127.0.0.1', 'localhost:3000']) {
        const res = await request(t.app).post('/auth/providers/anon-user/login').set('Host', host).send({});
        const cookies = setCookies(res);
        expect(Object.keys(cookies).sort()).toEqual(['auth-access', 'auth-refresh']);
        expect(cookies['auth-access']!.attributes['secure']).toBeUndefined();
      }
    });

    it('is set on any other host, with the __Host- and __Secure- prefixes', async () => {
      const t = setup();
      const res = await request(t.app).post('/auth/providers/anon-user/login').set('Host', 'app.example').send({});
      const cookies = setCookies(res);
      expect(Object.keys(cookies).sort()).toEqual(['__Host-auth-access', '__Secure-auth-refresh']);
      expect(cookies['__Host-auth-access']!.attributes).toMatchObject({ secure: true, path: '/' });
      expect(cookies['__Host-auth-access']!.attributes['domain']).toBeUndefined();
      expect(cookies['__Secure-auth-refresh']!.attributes).toMatchObject({ secure: true, path: '/auth/session' });
    });

    it('is set on localhost too in production', async () => {
      const t = setup({ environment: 'production' });
      const res = await request(t.app).post('/auth/providers/anon-user/login').set('Host', 'localhost').send({});
      expect(setCookies(res)['__Host-auth-access']!.attributes['secure']).toBe(true);
    });

    it('is set everywhere with secure: true, and nowhere with secure: false', async () => {
      const always = setup({ cookies: { secure: true } });
      const onLocalhost = await request(always.app).post('/auth/providers/anon-user/login').send({});
      expect(setCookies(onLocalhost)['__Host-auth-access']!.attributes['secure']).toBe(true);
      const never = setup({ cookies: { secure: false } });
      const elsewhere = await request(never.app).post('/auth/providers/anon-user/login').set('Host', 'dev.internal').send({});
      expect(setCookies(elsewhere)['auth-access']!.attributes['secure']).toBeUndefined();
    });

    it('is always set with sameSite: none, which browsers refuse without it', async () => {
      const t = setup({ cookies: { sameSite: 'none' } });
      const res = await request(t.app).post('/auth/providers/anon-user/login').send({});
      expect(setCookies(res)['__Host-auth-access']!.attributes).toMatchObject({ secure: true, samesite: 'None' });
    });
  });

  describe('requireUser', () => {
    it('admits the access cookie when there is no Authorization header', async () => {
      const t = setup();
      const { res, jar } = await cookieLogin(t);
      const posts = await send(t, jar, 'get', '/posts');
      expect(posts.status).toBe(200);
      expect(posts.body.user).toMatchObject({ id: res.body.user_id, anonymous: true });
      expect((await send(t, jar, 'get', '/live')).status).toBe(200);
    });

    it('keeps admitting Bearer tokens in the same app', async () => {
      const t = setup();
      const login = await request(t.app).post('/auth/providers/anon-user/login').set('Token-Delivery', 'json').send({});
      expect((await request(t.app).get('/live').set(bearer(login.body.access_token))).status).toBe(200);
    });

    it('judges a request with an Authorization header by that header alone, whatever cookies it carries', async () => {
      const t = setup();
      const { jar } = await cookieLogin(t);
      const res = await send(t, jar, 'get', '/posts').set(bearer('not.a.token'));
      expect(res.status).toBe(401);
      expect(res.body.error_code).toBe('InvalidSession');
    });

    it('answers 401 MissingAuthReq without cookie or header, and 401 InvalidSession for a forged cookie', async () => {
      const t = setup();
      expect((await request(t.app).get('/posts')).body.error_code).toBe('MissingAuthReq');
      const forged = await request(t.app).get('/posts').set('Cookie', 'auth-access=eyJhbGciOiJub25lIn0.e30.');
      expect([forged.status, forged.body.error_code]).toEqual([401, 'InvalidSession']);
    });

    it('answers 401, never 500, for a cookie that is not a token or not even well encoded', async () => {
      const t = setup();
      for (const cookie of ['auth-access=%E0%A4%A', 'auth-access=', 'auth-access', `auth-access=${'x'.repeat(4000)}`, 'auth-access="quoted"']) {
        const res = await request(t.app).get('/posts').set('Cookie', cookie);
        expect(res.status, cookie).toBe(401);
        const refresh = await request(t.app).post('/auth/session').set('Cookie', cookie.replace('access', 'refresh'));
        expect(refresh.status, cookie).toBe(401);
      }
    });

    it('does not read the cookies of another name, nor the refresh cookie as an access token', async () => {
      const t = setup();
      const { jar } = await cookieLogin(t);
      const refresh = jar.value('auth-refresh')!;
      const res = await request(t.app).get('/posts').set('Cookie', `auth-access=${refresh}; other-access=${jar.value('auth-access')}`);
      expect(res.status).toBe(401);
    });
  });

  describe('a refresh by cookie', () => {
    it('rotates both cookies and answers without tokens', async () => {
      const t = setup();
      const { jar } = await cookieLogin(t);
      const before = { access: jar.value('auth-access'), refresh: jar.value('auth-refresh') };
      t.clock.advance(60);
      const res = await send(t, jar, 'post', '/auth/session');
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['device_id', 'expires_in', 'user_id']);
      jar.take(res);
      expect(jar.value('auth-access')).not.toBe(before.access);
      expect(jar.value('auth-refresh')).not.toBe(before.refresh);
      // The refresh cookie lives as long as the session, which does not grow with rotations.
      expect(setCookies(res)['auth-refresh']!.attributes['max-age']).toBe(String(60 * DAY - 60));
      expect((await send(t, jar, 'get', '/live')).status).toBe(200);
    });

    it('never answers with tokens in the body, even when asked (Token-Delivery: json)', async () => {
      const t = setup();
      const { jar } = await cookieLogin(t);
      const res = await send(t, jar, 'post', '/auth/session').set('Token-Delivery', 'json');
      expect(res.status).toBe(200);
      expect(res.body.access_token).toBeUndefined();
      expect(res.body.refresh_token).toBeUndefined();
    });

    it('revokes the session when a rotated refresh cookie is presented after the grace period', async () => {
      const t = setup();
      const { jar } = await cookieLogin(t);
      const old = jar.value('auth-refresh')!;
      jar.take(await send(t, jar, 'post', '/auth/session'));
      t.clock.advance(60);
      const replay = await request(t.app).post('/auth/session').set('Cookie', `auth-refresh=${old}`);
      expect([replay.status, replay.body.error_code]).toEqual([401, 'InvalidSession']);
      expect((await send(t, jar, 'post', '/auth/session')).status).toBe(401);
    });

    it('clears the cookies when the session is no longer honoured', async () => {
      const t = setup();
      const { jar } = await cookieLogin(t);
      await t.auth.users.revokeSessions((await send(t, jar, 'get', '/posts')).body.user.id);
      const res = await send(t, jar, 'post', '/auth/session');
      expect(res.status).toBe(401);
      jar.take(res);
      expect(jar.names()).toEqual([]);
    });

    it('is answered in JSON when the refresh token comes as a Bearer token', async () => {
      const t = setup();
      const login = await request(t.app).post('/auth/providers/anon-user/login').set('Token-Delivery', 'json').send({});
      const res = await request(t.app).post('/auth/session').set(bearer(login.body.refresh_token));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String) });
      expect(res.headers['set-cookie']).toBeUndefined();
    });
  });

  describe('DELETE /session', () => {
    it('ends the session and clears both cookies; the old access token is then refused by requireUser({ checkSession: true })', async () => {
      const t = setup();
      const { jar } = await cookieLogin(t);
      const access = jar.value('auth-access')!;
      const res = await send(t, jar, 'delete', '/auth/session');
      expect(res.status).toBe(204);
      const cleared = setCookies(res);
      for (const [name, path] of [['auth-access', '/'], ['auth-refresh', '/auth/session']] as const) {
        expect(cleared[name]!.value).toBe('');
        expect(cleared[name]!.attributes).toMatchObject({ path, httponly: true, samesite: 'Lax' });
        expect(Date.parse(String(cleared[name]!.attributes['expires']))).toBe(0);
      }
      jar.take(res);
      expect(jar.names()).toEqual([]);
      const live = await request(t.app).get('/live').set('Cookie', `auth-access=${access}`);
      expect([live.status, live.body.error_code]).toEqual([401, 'InvalidSession']);
    });

    it('ends the session by the access cookie alone when the refresh cookie is not sent', async () => {
      const t = setup();
      const { jar } = await cookieLogin(t);
      const access = jar.value('auth-access')!;
      const res = await request(t.app).delete('/auth/session').set('Cookie', `auth-access=${access}`);
      expect(res.status).toBe(204);
      expect((await request(t.app).get('/live').set('Cookie', `auth-access=${access}`)).status).toBe(401);
    });
  });

  describe('the current user by cookie', () => {
    it('reads the profile, links an identity with ?link=true (a fresh access cookie, no token in the body), and deletes the account clearing the cookies', async () => {
      const t = setup();
      const { jar, res: login } = await cookieLogin(t);
      expect((await send(t, jar, 'get', '/auth/profile')).body.user_id).toBe(login.body.user_id);
      await request(t.app).post('/auth/providers/local-userpass/register').send({ email: 'ada@example.com', password: 'correct horse battery' }).expect(201);
      const link = await send(t, jar, 'post', '/auth/providers/local-userpass/login?link=true').send({ username: 'ada@example.com', password: 'correct horse battery' });
      expect(link.status, JSON.stringify(link.body)).toBe(200);
      expect(link.body.access_token).toBeUndefined();
      expect(Object.keys(setCookies(link))).toEqual(['auth-access']);
      jar.take(link);
      expect((await send(t, jar, 'get', '/members')).status).toBe(200);
      const deleted = await send(t, jar, 'delete', '/auth/delete');
      expect(deleted.status).toBe(204);
      expect(jar.take(deleted).names()).toEqual([]);
    });
  });

  describe('the refresh cookie path', () => {
    const mounted = (path: string, cookies: AuthOptions['cookies'] = true) => {
      const auth = createAuth({ store: make(), providers: { 'anon-user': {} }, tokens: { signingKeys: [testSigningKey()] }, logger: new MemoryLogger(), cookies });
      const app = express();
      app.use(path, auth.router);
      return app;
    };

    it('follows the path the router is mounted at', async () => {
      const api = express.Router();
      const auth = createAuth({ store: make(), providers: { 'anon-user': {} }, tokens: { signingKeys: [testSigningKey()] }, logger: new MemoryLogger(), cookies: true });
      api.use('/auth', auth.router);
      const app = express().use('/api/v1', api);
      const res = await request(app).post('/api/v1/auth/providers/anon-user/login').send({});
      expect(setCookies(res)['auth-refresh']!.attributes['path']).toBe('/api/v1/auth/session');
      const atRoot = await request(mounted('/')).post('/providers/anon-user/login').send({});
      expect(setCookies(atRoot)['auth-refresh']!.attributes['path']).toBe('/session');
    });

    it('is refreshPath when given (a proxy serving the router under another path)', async () => {
      const res = await request(mounted('/auth', { refreshPath: '/edge/auth/session' })).post('/auth/providers/anon-user/login').send({});
      expect(setCookies(res)['auth-refresh']!.attributes['path']).toBe('/edge/auth/session');
    });
  });
});

describe('without cookie mode', () => {
  it('reads no cookie and sets none', async () => {
    const t = createTestApp({ store: new MemoryStore(), providers: { 'anon-user': {} } });
    const res = await request(t.app).post('/auth/providers/anon-user/login').send({});
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.body.access_token).toEqual(expect.any(String));
    const byCookie = await request(t.app).get('/posts').set('Cookie', `auth-access=${res.body.access_token}`);
    expect(byCookie.body.error_code).toBe('MissingAuthReq');
  });
});
