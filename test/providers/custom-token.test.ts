import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore, type AuthOptions } from '../../src/index.js';
import { asymmetricKey, b64, hmacSecret, signToken, type TestKey } from '../support/custom-tokens.js';
import { createTestApp, TestClock, type TestApp } from '../support/app.js';
import { JwksServer } from '../support/jwks-server.js';
import { storeCases, type StoreCase } from '../support/stores.js';

type CustomTokenOptions = NonNullable<AuthOptions['providers']['custom-token']>;

const ISSUER = 'https://idp.test';
const LOGIN = '/auth/providers/custom-token/login';

function appWith(store: StoreCase, options: CustomTokenOptions, extra: { bodyLimit?: string } = {}): TestApp {
  return createTestApp({ store: store.make(), providers: { 'custom-token': options }, ...extra });
}

/** Claims of a token valid now on the app's clock, with overrides (undefined removes a claim). */
function claims(clock: TestClock, overrides: Record<string, unknown> = {}) {
  const now = Math.floor(clock.now().getTime() / 1000);
  return { sub: 'ext-user-1', aud: 'app', iss: ISSUER, iat: now, exp: now + 300, ...overrides };
}

async function profile(app: TestApp['app'], accessToken: string) {
  const res = await request(app).get('/auth/profile').set('Authorization', `Bearer ${accessToken}`);
  expect(res.status).toBe(200);
  return res.body;
}

function expectRefused(res: request.Response, reason: string | RegExp) {
  expect(res.status).toBe(401);
  expect(res.body.error_code).toBe('AuthError');
  expect(res.body.error).toMatch(typeof reason === 'string' ? `invalid custom auth token: ${reason}` : reason);
}

describe.each(storeCases('custom_token'))('custom-token on $name', (store) => {
  let rsa: TestKey, ec: TestKey, ed: TestKey, stranger: TestKey;
  let jwks: JwksServer;
  let t: TestApp;

  beforeAll(async () => {
    [rsa, ec, ed, stranger] = await Promise.all([
      asymmetricKey('RS256', 'rsa-1'),
      asymmetricKey('ES256', 'ec-1'),
      asymmetricKey('EdDSA', 'ed-1'),
      asymmetricKey('RS256', 'rsa-1'), // same kid as ours, another key
    ]);
    jwks = await JwksServer.start([rsa.publicJwk, ec.publicJwk, ed.publicJwk]);
    t = appWith(store, { algorithms: ['RS256', 'ES256', 'EdDSA'], jwksUri: jwks.url, audience: 'app', issuer: ISSUER });
  });
  afterAll(() => jwks.close());

  describe('a valid token', () => {
    it.each(['RS256', 'ES256', 'EdDSA'])('logs in with a %s token from the JWK set; sub is the identity id', async (alg) => {
      const key = { RS256: rsa, ES256: ec, EdDSA: ed }[alg]!;
      const sub = `ext-${alg}`;
      const res = await request(t.app).post(LOGIN).send({ token: await signToken(key, claims(t.clock, { sub })) });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ token_type: 'Bearer', user_id: expect.any(String), refresh_token: expect.any(String) });
      const me = await profile(t.app, res.body.access_token);
      expect(me.identities).toEqual([{ id: sub, provider_type: 'custom-token', provider_id: 'custom-token', data: {} }]);
      expect(me.user_id).not.toBe(sub);
    });

    it('logs the same user in again for the same sub, and a new user for another sub', async () => {
      const first = await request(t.app).post(LOGIN).send({ token: await signToken(ed, claims(t.clock, { sub: 'same' })) });
      const again = await request(t.app).post(LOGIN).send({ token: await signToken(rsa, claims(t.clock, { sub: 'same' })) });
      const other = await request(t.app).post(LOGIN).send({ token: await signToken(ed, claims(t.clock, { sub: 'other' })) });
      expect([first.status, again.status, other.status]).toEqual([200, 200, 200]);
      expect(again.body.user_id).toBe(first.body.user_id);
      expect(other.body.user_id).not.toBe(first.body.user_id);
    });

    it('accepts a token expired less than the clock tolerance ago, and one without iat', async () => {
      const now = Math.floor(t.clock.now().getTime() / 1000);
      const late = await request(t.app).post(LOGIN).send({ token: await signToken(ed, claims(t.clock, { iat: now - 600, exp: now - 20 })) });
      expect(late.status).toBe(200);
      const noIat = await request(t.app).post(LOGIN).send({ token: await signToken(ed, claims(t.clock, { iat: undefined })) });
      expect(noIat.status).toBe(200);
    });

    it('ignores jku, x5u and jwk headers: the token is checked against our keys and nothing is fetched from them', async () => {
      const elsewhere = await JwksServer.start([stranger.publicJwk]);
      try {
        const header = { jku: elsewhere.url, x5u: elsewhere.url, jwk: stranger.publicJwk };
        const ours = await request(t.app).post(LOGIN).send({ token: await signToken(rsa, claims(t.clock), header) });
        expect(ours.status).toBe(200);
        const theirs = await request(t.app).post(LOGIN).send({ token: await signToken(stranger, claims(t.clock), header) });
        expectRefused(theirs, 'signature verification failed');
        expect(elsewhere.requests).toBe(0);
      } finally {
        await elsewhere.close();
      }
    });
  });

  describe('rejects, with 401 AuthError and the reason (RFC 8725)', () => {
    it('alg none, and a stripped signature', async () => {
      const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims(t.clock))}.`;
      expectRefused(await request(t.app).post(LOGIN).send({ token: none }), 'algorithm not allowed');
      const [h, p] = (await signToken(rsa, claims(t.clock))).split('.');
      expectRefused(await request(t.app).post(LOGIN).send({ token: `${h}.${p}.` }), 'signature verification failed');
    });

    it('HS256 signed with the RSA public key (key confusion)', async () => {
      const token = await signToken({ alg: 'HS256', kid: 'rsa-1', privateKey: new TextEncoder().encode(rsa.publicPem) }, claims(t.clock));
      expectRefused(await request(t.app).post(LOGIN).send({ token }), 'algorithm not allowed');
    });

    it.each([
      ['a wrong aud', { aud: 'another-app' }, 'wrong audience'],
      ['a missing aud', { aud: undefined }, 'missing aud claim'],
      ['a wrong iss', { iss: 'https://evil.test' }, 'wrong issuer'],
      ['a missing iss', { iss: undefined }, 'missing iss claim'],
      ['a missing exp', { exp: undefined }, 'missing exp claim'],
      ['a missing sub', { sub: undefined }, 'missing sub claim'],
      ['an empty sub', { sub: '' }, 'invalid sub claim'],
      ['an exp beyond the clock tolerance', { exp: 'past' }, 'the token has expired'],
      ['a future nbf', { nbf: 'future' }, 'the token is not yet valid'],
      ['a future iat', { iat: 'future' }, 'the token is issued in the future'],
    ])('%s', async (_label, overrides, reason) => {
      const now = Math.floor(t.clock.now().getTime() / 1000);
      const times: Record<string, number> = { past: now - 31, future: now + 120 };
      const resolved = Object.fromEntries(Object.entries(overrides).map(([k, v]) => [k, typeof v === 'string' && v in times ? times[v] : v]));
      const res = await request(t.app).post(LOGIN).send({ token: await signToken(ec, claims(t.clock, resolved)) });
      expectRefused(res, reason);
    });

    it('a tampered payload (another sub)', async () => {
      const [h, , s] = (await signToken(ed, claims(t.clock))).split('.');
      const token = `${h}.${b64(claims(t.clock, { sub: 'admin' }))}.${s}`;
      expectRefused(await request(t.app).post(LOGIN).send({ token }), 'signature verification failed');
    });

    it('2 and 4 segments, bad base64url, and a header without alg', async () => {
      const [h, p, s] = (await signToken(ed, claims(t.clock))).split('.');
      const cases = [
        [`${h}.${p}`, 'malformed token'],
        [`${h}.${p}.${s}.${s}`, 'malformed token'],
        [`${h}!.${p}.${s}`, 'malformed token'],
        [`${h}.${p}!.${s}`, 'signature verification failed'], // the signature covers the raw segment
        [`${h}.${p}.${s}!`, 'malformed token'],
        ['...', 'malformed token'],
        ['not-a-jwt', 'malformed token'],
        [`${b64({})}.${p}.${s}`, 'algorithm not allowed'],
      ];
      for (const [token, reason] of cases) expectRefused(await request(t.app).post(LOGIN).send({ token }), reason!);
    });

    it('a hostile or unknown kid', async () => {
      for (const kid of ['../x', "' OR 1=1 --", 'nope']) {
        const token = await signToken({ ...ed, kid }, claims(t.clock));
        expectRefused(await request(t.app).post(LOGIN).send({ token }), 'no key matches the token');
      }
    });

    it('a token whose kid names our key but that another key signed', async () => {
      expectRefused(await request(t.app).post(LOGIN).send({ token: await signToken(stranger, claims(t.clock)) }), 'signature verification failed');
    });

    it('a 100 KB header: 413 from the body limit, and 401 when the body limit allows it', async () => {
      const big = await signToken(ed, claims(t.clock), { pad: 'x'.repeat(100_000) });
      const capped = await request(t.app).post(LOGIN).send({ token: big });
      expect(capped.status).toBe(413);
      expect(capped.body.error_code).toBe('BodyTooLarge');
      const roomy = appWith(store, { algorithms: ['EdDSA'], jwksUri: jwks.url, audience: 'app' }, { bodyLimit: '1mb' });
      const before = jwks.requests;
      expectRefused(await request(roomy.app).post(LOGIN).send({ token: big }), 'the token is too large');
      expect(jwks.requests).toBe(before);
    });

    it('a missing token, or one that is not a string, with 400 InvalidParameter', async () => {
      for (const body of [{}, { token: { $ne: null } }, { token: ['a.b.c'] }, { token: '' }]) {
        const res = await request(t.app).post(LOGIN).send(body);
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ error: expect.stringMatching(/^invalid token/), error_code: 'InvalidParameter' });
      }
    });

    it('creates no user when it refuses a token', async () => {
      const fresh = appWith(store, { algorithms: ['EdDSA'], jwksUri: jwks.url, audience: 'app' });
      await request(fresh.app).post(LOGIN).send({ token: await signToken(ed, claims(fresh.clock, { aud: 'x' })) });
      expect(await fresh.auth.store.listUsers({ limit: 10 })).toEqual([]);
    });
  });

  describe('audience lists', () => {
    const token = (aud: string | string[]) => signToken(ed, claims(t.clock, { aud }));

    it('require every listed audience by default (App Services requireAnyAudience: false)', async () => {
      const all = appWith(store, { algorithms: ['EdDSA'], jwksUri: jwks.url, audience: ['app', 'api'] });
      expectRefused(await request(all.app).post(LOGIN).send({ token: await token('app') }), 'wrong audience');
      expect((await request(all.app).post(LOGIN).send({ token: await token(['api', 'app', 'more']) })).status).toBe(200);
    });

    it('require any one of them with requireAnyAudience: true', async () => {
      const any = appWith(store, { algorithms: ['EdDSA'], jwksUri: jwks.url, audience: ['app', 'api'], requireAnyAudience: true });
      expect((await request(any.app).post(LOGIN).send({ token: await token('api') })).status).toBe(200);
      expectRefused(await request(any.app).post(LOGIN).send({ token: await token(['web']) }), 'wrong audience');
    });
  });

  describe('static keys', () => {
    it('logs in with HS256 tokens signed with any configured secret, with or without kid', async () => {
      const [s1, s2] = [hmacSecret(), hmacSecret()];
      const hs = appWith(store, { algorithms: ['HS256'], keys: [s1, s2], audience: 'app' });
      const withSecret = (secret: string, kid?: string) => ({ alg: 'HS256', kid, privateKey: new TextEncoder().encode(secret) });
      expect((await request(hs.app).post(LOGIN).send({ token: await signToken(withSecret(s2), claims(hs.clock)) })).status).toBe(200);
      expect((await request(hs.app).post(LOGIN).send({ token: await signToken(withSecret(s1, 'any'), claims(hs.clock)) })).status).toBe(200);
      const forged = await signToken(withSecret(hmacSecret()), claims(hs.clock));
      expectRefused(await request(hs.app).post(LOGIN).send({ token: forged }), 'signature verification failed');
      const asymmetric = await signToken(rsa, claims(hs.clock));
      expectRefused(await request(hs.app).post(LOGIN).send({ token: asymmetric }), 'algorithm not allowed');
    });

    it('selects among JWKs and PEM keys by kid', async () => {
      const other = await asymmetricKey('RS256', 'rsa-2');
      const keyed = appWith(store, { algorithms: ['RS256', 'EdDSA'], keys: [rsa.publicJwk, other.publicJwk, ed.publicPem!], audience: 'app' });
      const login = async (key: Omit<TestKey, 'kid'> & { kid?: string }) =>
        request(keyed.app).post(LOGIN).send({ token: await signToken(key, claims(keyed.clock)) });
      expect((await login(other)).status).toBe(200);
      expect((await login(rsa)).status).toBe(200);
      expect((await login({ ...ed, kid: undefined })).status).toBe(200); // the PEM key has no kid
      expectRefused(await login({ ...other, kid: 'rsa-3' }), 'no key matches the token');
      expectRefused(await login({ ...other, kid: 'rsa-1' }), 'signature verification failed');
    });
  });

  describe('metadataFields', () => {
    let m: TestApp;
    beforeAll(() => {
      m = appWith(store, {
        algorithms: ['EdDSA'],
        jwksUri: jwks.url,
        audience: 'app',
        metadataFields: [
          { name: 'user.profile.email', fieldName: 'email', required: true },
          { name: 'https://example\\.com/roles', fieldName: 'roles' },
          { name: 'name' },
          { name: 'org.team' },
        ],
      });
    });
    const loginWith = async (extra: Record<string, unknown>) =>
      request(m.app).post(LOGIN).send({ token: await signToken(ed, claims(m.clock, { sub: 'meta-user', ...extra })) });

    it('maps nested and escaped claim paths onto the identity and the user; unmapped claims are dropped', async () => {
      const res = await loginWith({
        user: { profile: { email: 'ada@example.com', phone: '555' } },
        'https://example.com/roles': ['editor'],
        name: 'Ada',
        org: { team: 'blue' },
        secret_claim: 'do not store',
      });
      expect(res.status).toBe(200);
      const data = { email: 'ada@example.com', roles: ['editor'], name: 'Ada', team: 'blue' };
      const me = await profile(m.app, res.body.access_token);
      expect(me.data).toEqual(data);
      expect(me.identities[0].data).toEqual(data);
      expect((await m.auth.store.getIdentity('custom-token', 'meta-user'))?.data).toEqual(data);
      expect((await m.auth.store.getUser(res.body.user_id))?.data).toEqual(data);
    });

    it('updates the identity and the user when the claims change on a later login', async () => {
      await loginWith({ user: { profile: { email: 'ada@example.com' } }, name: 'Ada', org: { team: 'blue' } });
      const res = await loginWith({ user: { profile: { email: 'ada@new.example' } }, name: 'Ada L.' });
      expect(res.status).toBe(200);
      const me = await profile(m.app, res.body.access_token);
      expect(me.data).toEqual({ email: 'ada@new.example', name: 'Ada L.' });
      expect(me.identities[0].data).toEqual({ email: 'ada@new.example', name: 'Ada L.' });
    });

    it('refuses a token without a required field, naming it', async () => {
      const res = await loginWith({ user: { email: 'ada@example.com' }, name: 'Ada' });
      expectRefused(res, 'missing required metadata field "user.profile.email"');
    });

    it('refuses a field whose value cannot be stored (operator keys), naming it, without a 500', async () => {
      const res = await loginWith({ user: { profile: { email: 'ada@example.com' } }, org: { team: { $where: 'sleep(1)' } } });
      expectRefused(res, 'metadata field "org.team" has a value that cannot be stored');
    });

    it('refuses a field value over 4096 characters, naming it', async () => {
      const res = await loginWith({ user: { profile: { email: 'ada@example.com' } }, name: 'x'.repeat(5000) });
      expectRefused(res, 'metadata field "name" is longer than 4096 characters');
    });
  });
});

describe('custom-token start-up checks', () => {
  const base = { algorithms: ['RS256'] as ('RS256' | 'HS256' | 'ES256')[], audience: 'app' };
  const start = (options: Record<string, unknown>, environment: 'production' | 'test' = 'test') => () =>
    createTestApp({ store: new MemoryStore(), providers: { 'custom-token': options as CustomTokenOptions }, environment });
  const rsaPem = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();

  it.each([
    ['no key source', { ...base }, /custom-token\.keys: give the verification keys, or a jwksUri/],
    ['keys and a jwksUri', { ...base, keys: [rsaPem()], jwksUri: 'https://idp.test/jwks' }, /custom-token\.jwksUri: give keys or a jwksUri, not both/],
    ['an HS secret under 32 bytes', { ...base, algorithms: ['HS256'], keys: ['short-secret'] }, /custom-token\.keys\.0: an HS secret needs at least 32 bytes/],
    ['an empty audience', { ...base, jwksUri: 'https://idp.test/jwks', audience: '' }, /custom-token\.audience/],
    ['an empty audience list', { ...base, jwksUri: 'https://idp.test/jwks', audience: [] }, /custom-token\.audience/],
    ['no audience', { algorithms: ['RS256'], jwksUri: 'https://idp.test/jwks' }, /custom-token\.audience/],
    ['HS and asymmetric algorithms together', { ...base, algorithms: ['HS256', 'RS256'], jwksUri: 'https://idp.test/jwks' }, /custom-token\.algorithms: mixes HS and asymmetric/],
    ['alg none', { ...base, algorithms: ['none'], jwksUri: 'https://idp.test/jwks' }, /custom-token\.algorithms\.0/],
    ['no algorithms', { ...base, algorithms: [], jwksUri: 'https://idp.test/jwks' }, /custom-token\.algorithms/],
    ['a jwksUri with HS algorithms', { ...base, algorithms: ['HS256'], jwksUri: 'https://idp.test/jwks' }, /custom-token\.jwksUri: a JWK set holds public keys/],
    ['a PEM key as an HS secret', { ...base, algorithms: ['HS256'], keys: [rsaPem()] }, /custom-token\.keys\.0: a PEM key is not an HS secret/],
    ['a secret string with asymmetric algorithms', { ...base, keys: ['x'.repeat(40)] }, /custom-token\.keys\.0: with asymmetric algorithms a string key must be a PEM public key/],
    ['an RSA key for ES256 only', { ...base, algorithms: ['ES256'], keys: [rsaPem()] }, /custom-token\.keys\.0: this rsa 2048-bit key verifies none of the algorithms ES256/],
    ['a 1024-bit RSA key', { ...base, keys: [generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' })] }, /keys\.0: this rsa 1024-bit key verifies none/],
    ['a malformed PEM', { ...base, keys: ['-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'] }, /custom-token\.keys\.0: not a usable key/],
    ['a jwksUri that is not http(s)', { ...base, jwksUri: 'file:///etc/jwks.json' }, /custom-token\.jwksUri/],
    ['a clock tolerance over 60 s', { ...base, jwksUri: 'https://idp.test/jwks', clockTolerance: 300 }, /custom-token\.clockTolerance/],
    ['an unknown option', { ...base, jwksUri: 'https://idp.test/jwks', audiences: ['x'] }, /custom-token: Unrecognized key: "audiences"/],
    ['a bad escape in a metadata path', { ...base, jwksUri: 'https://idp.test/jwks', metadataFields: [{ name: 'a\\b' }] }, /metadataFields\.0: "a\\b": a backslash must escape/],
    ['an empty metadata path segment', { ...base, jwksUri: 'https://idp.test/jwks', metadataFields: [{ name: 'user..email' }] }, /metadataFields\.0: "user\.\.email": empty path segment/],
    ['a default field name with a dot', { ...base, jwksUri: 'https://idp.test/jwks', metadataFields: [{ name: 'https://x\\.com/roles' }] }, /metadataFields\.0: field name "https:\/\/x\.com\/roles" must not contain "\." \(.*; set fieldName\)/],
    ['a field name starting with $', { ...base, jwksUri: 'https://idp.test/jwks', metadataFields: [{ name: 'a', fieldName: '$where' }] }, /metadataFields\.0: field name "\$where" must not start with "\$"/],
    ['a field mapped twice', { ...base, jwksUri: 'https://idp.test/jwks', metadataFields: [{ name: 'a.email' }, { name: 'b.email' }] }, /metadataFields\.1\.fieldName: "email" is mapped twice/],
    ['a __proto__ path segment', { ...base, jwksUri: 'https://idp.test/jwks', metadataFields: [{ name: '__proto__.polluted', fieldName: 'p' }] }, /"__proto__" cannot be a path segment/],
  ])('refuses %s with a TypeError naming the option', (_label, options, message) => {
    expect(start(options)).toThrow(TypeError);
    expect(start(options)).toThrow(message);
  });

  it('refuses an http jwksUri in production, and serves it in development', async () => {
    expect(start({ ...base, jwksUri: 'http://idp.test/jwks' }, 'production')).toThrow(/jwksUri must use https in production/);
    const res = await request(start({ ...base, jwksUri: 'http://idp.test/jwks' })().app).get('/auth/providers');
    expect(res.body).toEqual([{ name: 'custom-token', type: 'custom-token' }]);
  });
});

describe('custom-token defaults', () => {
  it('applies the documented defaults, including the JWK set fetch settings when jwksFetch is omitted', async () => {
    const { parseOptions } = await import('../../src/options.js');
    const parsed = parseOptions({
      store: new MemoryStore(),
      providers: { 'custom-token': { algorithms: ['RS256'], jwksUri: 'https://idp.test/jwks', audience: 'app' } },
    });
    expect(parsed.providers['custom-token']).toMatchObject({
      jwksFetch: { cooldownDuration: 30_000, cacheMaxAge: 600_000, timeoutDuration: 5_000 },
      requireAnyAudience: false,
      clockTolerance: 30,
      maxTokenLength: 16_384,
      metadataFields: [],
    });
  });
});
