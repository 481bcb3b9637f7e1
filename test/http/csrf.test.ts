import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { CookieJar } from '../support/cookies.js';
import { storeCases } from '../support/stores.js';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const TRUSTED = 'https://app.partner.example';

// Headers a browser sends with a request another page made it send.
const crossSite = { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' };
const sameSite = { 'Sec-Fetch-Site': 'same-site', Origin: 'https://sibling.app.example' };

describe.each(storeCases('csrf'))('CSRF protection on $name', ({ make }) => {
  let t: TestApp;
  let jar: CookieJar;
  /** Requests that reached the host's state-changing routes. */
  let reached: string[];

  beforeAll(async () => {
    t = createTestApp({ store: make(), providers: { 'anon-user': {}, 'api-key': {} }, cookies: true, trustedOrigins: [TRUSTED] });
    reached = [];
    t.app.post('/notes', t.auth.requireUser(), (req, res) => void (reached.push(`notes ${req.user!.id}`), res.status(201).json({ ok: true })));
    t.app.delete('/notes', t.auth.requireUser({ apiKeys: true }), (_req, res) => void (reached.push('delete notes'), res.status(204).end()));
    t.app.post('/contact', t.auth.csrfGuard(), (_req, res) => void (reached.push('contact'), res.status(202).json({ ok: true })));
    const login = await request(t.app).post('/auth/providers/anon-user/login').set('Sec-Fetch-Site', 'same-origin').send({});
    expect(login.status).toBe(200);
    jar = new CookieJar().take(login);
  });

  const withCookies = (req: request.Test, path: string) => req.set('Cookie', jar.header(path));
  const postNotes = (headers: Record<string, string>) => withCookies(request(t.app).post('/notes'), '/notes').set(headers).send({});

  function expectRefused(res: request.Response) {
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'cross-origin request refused', error_code: 'Forbidden' });
  }

  describe('a state-changing request authenticated by a cookie', () => {
    it('is refused when it comes from another site (Sec-Fetch-Site: cross-site, foreign Origin), and the route never runs', async () => {
      const before = reached.length;
      expectRefused(await postNotes(crossSite));
      expect(reached.length).toBe(before);
    });

    it('is refused from another origin of the same site (Sec-Fetch-Site: same-site), where SameSite cookies still travel', async () => {
      expectRefused(await postNotes(sameSite));
    });

    it('passes from the same origin (Sec-Fetch-Site: same-origin) and from the user (none)', async () => {
      expect((await postNotes({ 'Sec-Fetch-Site': 'same-origin' })).status).toBe(201);
      expect((await postNotes({ 'Sec-Fetch-Site': 'none' })).status).toBe(201);
    });

    it('without Fetch Metadata (older browsers), passes when Origin is this host and is refused for a foreign or opaque Origin', async () => {
      const host = await postNotes({ Origin: 'http://localhost:3000', Host: 'localhost:3000' });
      expect(host.status).toBe(201);
      expectRefused(await postNotes({ Origin: 'https://evil.example' }));
      expectRefused(await postNotes({ Origin: 'null' }));
    });

    it('passes from an origin listed in trustedOrigins, with or without Fetch Metadata', async () => {
      expect((await postNotes({ 'Sec-Fetch-Site': 'cross-site', Origin: TRUSTED })).status).toBe(201);
      expect((await postNotes({ Origin: TRUSTED })).status).toBe(201);
      expectRefused(await postNotes({ 'Sec-Fetch-Site': 'cross-site', Origin: `${TRUSTED}:8443` }));
    });

    it('is refused, never answered 500, for repeated or malformed headers', async () => {
      // Node joins a repeated header into one value, which is none of the known ones.
      expectRefused(await postNotes({ 'Sec-Fetch-Site': 'same-origin, cross-site' }));
      expectRefused(await postNotes({ 'Sec-Fetch-Site': 'same-origin-ish' }));
      expectRefused(await postNotes({ Origin: 'http://[' }));
    });

    it('passes with neither header: not a request a browser page made', async () => {
      expect((await postNotes({})).status).toBe(201);
    });

    it('is not checked for safe methods (GET, HEAD, OPTIONS)', async () => {
      const res = await withCookies(request(t.app).get('/posts'), '/posts').set(crossSite);
      expect(res.status).toBe(200);
    });
  });

  describe('a request authenticated by a header', () => {
    it('passes with a Bearer token from a non-browser client (neither header) and from a page on another site', async () => {
      const login = await request(t.app).post('/auth/providers/anon-user/login').set('Token-Delivery', 'json').send({});
      const token = login.body.access_token as string;
      expect((await request(t.app).post('/notes').set(bearer(token)).send({})).status).toBe(201);
      expect((await request(t.app).post('/notes').set(bearer(token)).set(crossSite).send({})).status).toBe(201);
    });

    it('passes with an ApiKey credential from another site', async () => {
      const { key } = await t.auth.users.apiKeys.createServerKey(`k${Date.now()}`);
      const res = await request(t.app).delete('/notes').set('Authorization', `ApiKey ${key}`).set(crossSite);
      expect(res.status).toBe(204);
    });
  });

  describe('the session routes', () => {
    it('refuse a cross-site refresh and logout by cookie, and the session stays as it was', async () => {
      expectRefused(await withCookies(request(t.app).post('/auth/session'), '/auth/session').set(crossSite));
      expectRefused(await withCookies(request(t.app).delete('/auth/session'), '/auth/session').set(crossSite));
      const refresh = await withCookies(request(t.app).post('/auth/session'), '/auth/session').set('Sec-Fetch-Site', 'same-origin');
      expect(refresh.status).toBe(200);
      jar.take(refresh);
    });

    it('refuse a cross-site login that would set cookies (login CSRF), but not one that asks for JSON', async () => {
      expectRefused(await request(t.app).post('/auth/providers/anon-user/login').set(crossSite).send({}));
      const json = await request(t.app).post('/auth/providers/anon-user/login').set(crossSite).set('Token-Delivery', 'json').send({});
      expect(json.status).toBe(200);
      expect(json.headers['set-cookie']).toBeUndefined();
    });

    it('refuse a cross-site link by cookie', async () => {
      const res = await withCookies(request(t.app).post('/auth/providers/anon-user/login?link=true'), '/auth/providers').set(crossSite).send({});
      expectRefused(res);
    });
  });

  describe('auth.csrfGuard() on a host route without requireUser', () => {
    it('refuses a cross-site POST, with or without cookies', async () => {
      expectRefused(await request(t.app).post('/contact').set(crossSite).send({}));
      expectRefused(await withCookies(request(t.app).post('/contact'), '/contact').set(sameSite).send({}));
    });

    it('passes same-origin requests, requests with neither header, trusted origins and Bearer-authenticated ones', async () => {
      expect((await request(t.app).post('/contact').set('Sec-Fetch-Site', 'same-origin').send({})).status).toBe(202);
      expect((await request(t.app).post('/contact').send({})).status).toBe(202);
      expect((await request(t.app).post('/contact').set({ 'Sec-Fetch-Site': 'cross-site', Origin: TRUSTED }).send({})).status).toBe(202);
      expect((await request(t.app).post('/contact').set(crossSite).set(bearer('any')).send({})).status).toBe(202);
    });
  });
});
