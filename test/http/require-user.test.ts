import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import express from 'express';
import { SignJWT, UnsecuredJWT } from 'jose';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAuth, MemoryStore } from '../../src/index.js';
import { createTestApp, testSigningKey, type TestApp } from '../support/app.js';
import { storeCases } from '../support/stores.js';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function anonLogin(app: TestApp['app']) {
  const res = await request(app).post('/auth/providers/anon-user/login').send({});
  expect(res.status).toBe(200);
  return res.body as { access_token: string; refresh_token: string; user_id: string };
}

function expectUnauthorized(res: request.Response, code: string) {
  expect(res.status).toBe(401);
  expect(res.body.error_code).toBe(code);
  expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
}

describe.each(storeCases('require-user'))('requireUser on $name', ({ make }) => {
  const key = testSigningKey('k1');
  const setup = () =>
    createTestApp({
      store: make(),
      providers: { 'anon-user': {} },
      tokens: { signingKeys: [key], issuer: 'https://app.test', audience: 'app' },
    });
  // Signs a token with the app's own key, so only the claim under test is wrong.
  const sign = (claims: Record<string, unknown>, over: { iss?: string; aud?: string; exp?: number } = {}) =>
    new SignJWT({ typ: 'access', sid: 's', utp: 'normal', prv: ['anon-user'], anon: true, ...claims })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
      .setSubject('u1')
      .setIssuer(over.iss ?? 'https://app.test')
      .setAudience(over.aud ?? 'app')
      .setIssuedAt(Math.floor(Date.parse('2026-06-01T00:00:00Z') / 1000))
      .setExpirationTime(over.exp ?? Math.floor(Date.parse('2026-06-01T00:30:00Z') / 1000))
      .sign(createPrivateKey({ key: key as never, format: 'jwk' }));

  let t: TestApp;
  beforeAll(() => {
    t = setup();
  });

  it('admits a valid access token and sets req.user from it', async () => {
    const { access_token, user_id } = await anonLogin(t.app);
    const res = await request(t.app).get('/posts').set(bearer(access_token));
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: user_id, type: 'normal', providers: ['anon-user'], anonymous: true });
  });

  it('rejects a missing token with 401 MissingAuthReq and WWW-Authenticate', async () => {
    expectUnauthorized(await request(t.app).get('/posts'), 'MissingAuthReq');
    expectUnauthorized(await request(t.app).get('/posts').set('Authorization', 'Basic dTpw'), 'MissingAuthReq');
  });

  it('rejects garbage, a 2-segment and a 4-segment token with 401 InvalidSession', async () => {
    for (const token of ['garbage', 'a.b', 'a.b.c.d', 'eyJ.eyJ.sig', 'x'.repeat(5000)]) {
      expectUnauthorized(await request(t.app).get('/posts').set(bearer(token)), 'InvalidSession');
    }
  });

  it('rejects alg none', async () => {
    const unsigned = new UnsecuredJWT({ typ: 'access', sid: 's', utp: 'normal', prv: [], anon: false })
      .setSubject('u1').setIssuer('https://app.test').setAudience('app').setIssuedAt().setExpirationTime('10m').encode();
    expectUnauthorized(await request(t.app).get('/posts').set(bearer(unsigned)), 'InvalidSession');
  });

  it('rejects a token signed by another key under the same kid', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const forged = await new SignJWT({ typ: 'access', sid: 's', utp: 'normal', prv: [], anon: false })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' }).setSubject('u1').setIssuer('https://app.test')
      .setAudience('app').setIssuedAt().setExpirationTime('10m').sign(privateKey);
    expectUnauthorized(await request(t.app).get('/posts').set(bearer(forged)), 'InvalidSession');
  });

  it('rejects a wrong audience and a wrong issuer', async () => {
    expectUnauthorized(await request(t.app).get('/posts').set(bearer(await sign({}, { aud: 'other' }))), 'InvalidSession');
    expectUnauthorized(
      await request(t.app).get('/posts').set(bearer(await sign({}, { iss: 'https://evil.test' }))),
      'InvalidSession',
    );
    // The same claims with the right iss/aud pass: only the claim under test made the difference.
    expect((await request(t.app).get('/posts').set(bearer(await sign({})))).status).toBe(200);
  });

  it('rejects a token that is not an access token (typ)', async () => {
    expectUnauthorized(await request(t.app).get('/posts').set(bearer(await sign({ typ: 'refresh' }))), 'InvalidSession');
  });

  it('rejects an expired token, also after it was cached as valid', async () => {
    const { app, clock } = setup();
    const { access_token } = await anonLogin(app);
    expect((await request(app).get('/posts').set(bearer(access_token))).status).toBe(200);
    clock.advance(1799);
    expect((await request(app).get('/posts').set(bearer(access_token))).status).toBe(200);
    clock.advance(2);
    expectUnauthorized(await request(app).get('/posts').set(bearer(access_token)), 'InvalidSession');
  });

  it('rejects a refresh token used as an access token, and an access token used as a refresh token', async () => {
    const { access_token, refresh_token } = await anonLogin(t.app);
    expectUnauthorized(await request(t.app).get('/posts').set(bearer(refresh_token)), 'InvalidSession');
    const res = await request(t.app).post('/auth/session').set(bearer(access_token));
    expect(res.status).toBe(401);
    expect(res.body.error_code).toBe('InvalidSession');
  });

  it('accepts the scheme in any case', async () => {
    const { access_token } = await anonLogin(t.app);
    expect((await request(t.app).get('/posts').set('Authorization', `bearer ${access_token}`)).status).toBe(200);
  });

  describe('allowAnonymous: false', () => {
    it('answers 403 Forbidden to an anonymous user', async () => {
      const { access_token } = await anonLogin(t.app);
      const res = await request(t.app).get('/members').set(bearer(access_token));
      expect(res.status).toBe(403);
      expect(res.body.error_code).toBe('Forbidden');
    });
  });

  describe('checkSession', () => {
    it('rejects the token of a session that was logged out, though the token itself is still valid', async () => {
      const { app } = setup();
      const { access_token, refresh_token } = await anonLogin(app);
      expect((await request(app).get('/live').set(bearer(access_token))).status).toBe(200);
      await request(app).delete('/auth/session').set(bearer(refresh_token));
      expectUnauthorized(await request(app).get('/live').set(bearer(access_token)), 'InvalidSession');
      // Without checkSession the stateless guard still admits it until it expires (SPEC §3).
      expect((await request(app).get('/posts').set(bearer(access_token))).status).toBe(200);
    });

    it('rejects a disabled user', async () => {
      const { app, auth } = setup();
      const { access_token, user_id } = await anonLogin(app);
      expect((await request(app).get('/live').set(bearer(access_token))).status).toBe(200);
      await auth.store.updateUser(user_id, { disabled: true });
      await auth.users.revokeSessions(user_id);
      const res = await request(app).get('/live').set(bearer(access_token));
      expectUnauthorized(res, 'InvalidSession');
    });

    it('rejects a deleted user', async () => {
      const { app, auth } = setup();
      const { access_token, user_id } = await anonLogin(app);
      expect(await auth.users.delete(user_id)).toBe(true);
      expectUnauthorized(await request(app).get('/live').set(bearer(access_token)), 'InvalidSession');
    });
  });
});

describe('requireUser options', () => {
  const auth = createAuth({
    store: new MemoryStore(),
    providers: { 'anon-user': {} },
    tokens: { signingKeys: [testSigningKey()] },
    logger: { info() {}, warn() {}, error() {} },
  });
  const app = express();
  app.use('/auth', auth.router);
  app.get('/servers', auth.requireUser({ types: ['server'] }), (_req, res) => void res.end('ok'));
  app.get('/userpass', auth.requireUser({ providers: ['local-userpass'] }), (_req, res) => void res.end('ok'));
  app.get('/even', auth.requireUser({ predicate: (user) => user.id.endsWith('0') }), (_req, res) => void res.end('ok'));

  it('answers 403 when the user lacks the type, the provider, or fails the predicate', async () => {
    const { access_token } = await anonLogin(app);
    for (const path of ['/servers', '/userpass']) {
      const res = await request(app).get(path).set(bearer(access_token));
      expect(res.status).toBe(403);
      expect(res.body.error_code).toBe('Forbidden');
    }
    // Find a user the predicate admits and one it refuses.
    const seen = new Set<number>();
    while (seen.size < 2) {
      const user = await anonLogin(app);
      const res = await request(app).get('/even').set(bearer(user.access_token));
      expect(res.status).toBe(user.user_id.endsWith('0') ? 200 : 403);
      seen.add(res.status);
    }
  });

  it('throws at set-up on options of the wrong shape', () => {
    expect(() => auth.requireUser({ providers: ['nope' as never] })).toThrow(/options\.providers/);
    expect(() => auth.requireUser({ types: ['admin' as never] })).toThrow(/options\.types/);
    expect(() => auth.requireUser({ predicate: 'yes' as never })).toThrow(/options\.predicate/);
  });
});
