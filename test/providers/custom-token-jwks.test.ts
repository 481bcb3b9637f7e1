import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { asymmetricKey, signToken, type TestKey } from '../support/custom-tokens.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { JwksServer } from '../support/jwks-server.js';
import { storeCases } from '../support/stores.js';

const LOGIN = '/auth/providers/custom-token/login';
const COOLDOWN = 30_000;
const CACHE_MAX_AGE = 10 * 60_000;

/**
 * jose's remote JWK set times its cache and cooldown with Date.now(); only Date is faked, so
 * sockets and timers run as usual while a test moves the JWK set's clock past a cooldown.
 */
function passTime(ms: number) {
  vi.setSystemTime(Date.now() + ms);
}

/** Runs `count` tasks, `width` at a time. */
async function inBatches(count: number, width: number, task: (i: number) => Promise<void>) {
  for (let start = 0; start < count; start += width) {
    await Promise.all(Array.from({ length: Math.min(width, count - start) }, (_, j) => task(start + j)));
  }
}

describe.each(storeCases('custom_token_jwks'))('custom-token with a jwksUri, on $name', (store) => {
  let k1: TestKey, k2: TestKey;
  let jwks: JwksServer;
  let t: TestApp;
  let server: Server;

  const claims = (sub = 'jwks-user') => {
    const now = Math.floor(t.clock.now().getTime() / 1000);
    return { sub, aud: 'app', iat: now, exp: now + 300 };
  };
  // One listening server for the test: a thousand logins need not start a thousand.
  const login = async (key: Pick<TestKey, 'alg' | 'privateKey'> & { kid: string | undefined }) =>
    request(server).post(LOGIN).send({ token: await signToken(key, claims()) });

  beforeAll(async () => {
    [k1, k2] = await Promise.all([asymmetricKey('EdDSA', 'k1'), asymmetricKey('EdDSA', 'k2')]);
  });
  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    jwks = await JwksServer.start([k1.publicJwk]);
    t = createTestApp({
      store: store.make(),
      providers: { 'custom-token': { algorithms: ['EdDSA'], jwksUri: jwks.url, audience: 'app', jwksFetch: { timeoutDuration: 500 } } },
    });
    server = t.app.listen(0, '127.0.0.1');
  });
  afterEach(async () => {
    vi.useRealTimers();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await jwks.close();
  });

  it('fetches the set once for many logins, and again when the cache is older than cacheMaxAge', async () => {
    for (let i = 0; i < 5; i++) expect((await login(k1)).status).toBe(200);
    expect(jwks.requests).toBe(1);
    passTime(CACHE_MAX_AGE + 1);
    expect((await login(k1)).status).toBe(200);
    expect(jwks.requests).toBe(2);
  });

  it('refetches the set once for an unknown kid, then answers 401', async () => {
    expect((await login(k1)).status).toBe(200);
    passTime(COOLDOWN + 1);
    const unknown = { ...k2, kid: 'unknown' };
    const res = await login(unknown);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid custom auth token: no key matches the token', error_code: 'AuthError' });
    expect(jwks.requests).toBe(2);
    expect((await login(unknown)).status).toBe(401);
    expect(jwks.requests).toBe(2);
  });

  it('fetches at most once per cooldown for a thousand random kids', async () => {
    expect((await login(k1)).status).toBe(200);
    for (let round = 1; round <= 2; round++) {
      passTime(COOLDOWN + 1);
      const statuses = new Set<number>();
      await inBatches(1000, 25, async () => {
        statuses.add((await login({ ...k2, kid: randomBytes(8).toString('hex') })).status);
      });
      expect(statuses).toEqual(new Set([401]));
      expect(jwks.requests).toBe(1 + round);
    }
    // The flood left the published key working.
    expect((await login(k1)).status).toBe(200);
  });

  it('follows key rotation without a restart: a new kid is fetched, the removed one refused', async () => {
    expect((await login(k1)).status).toBe(200);
    jwks.keys = [k2.publicJwk];
    passTime(COOLDOWN + 1);
    const rotated = await login(k2);
    expect(rotated.status).toBe(200);
    expect(jwks.requests).toBe(2);
    const old = await login(k1);
    expect(old.status).toBe(401);
    expect(old.body.error).toBe('invalid custom auth token: no key matches the token');
    // The identity is the sub's, whichever key signed.
    expect((await login(k2)).body.user_id).toBe(rotated.body.user_id);
  });

  it('tries each key of the set that fits a token without kid', async () => {
    jwks.keys = [k1.publicJwk, k2.publicJwk];
    expect((await login({ ...k2, kid: undefined })).status).toBe(200);
    expect((await login({ ...k1, kid: undefined })).status).toBe(200);
    const stranger = await asymmetricKey('EdDSA', 'k3');
    const res = await login({ ...stranger, kid: undefined });
    expect(res.body).toEqual({ error: 'invalid custom auth token: signature verification failed', error_code: 'AuthError' });
  });

  it('answers 503 while the set cannot be fetched (error or time-out), and recovers without a restart', async () => {
    jwks.mode = 'fail';
    const failed = await login(k1);
    expect(failed.status).toBe(503);
    expect(failed.body).toEqual({ error: 'the service is temporarily unavailable', error_code: 'ServiceUnavailable' });
    jwks.mode = 'hang';
    const hung = await login(k1);
    expect(hung.status).toBe(503);
    expect(hung.body.error_code).toBe('ServiceUnavailable');
    expect(t.logger.lines.filter((l) => l.message.includes('JWK set unavailable')).map((l) => l.meta?.['error'])).toEqual([
      expect.stringContaining('Expected 200 OK'),
      expect.stringContaining('JWKSTimeout'),
    ]);
    jwks.mode = 'serve';
    expect((await login(k1)).status).toBe(200);
  });

  it('never fetches the set for a token refused before its key is needed', async () => {
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.`;
    for (const token of [none, 'a.b', 'x'.repeat(20_000)]) {
      expect((await request(server).post(LOGIN).send({ token })).status).toBeGreaterThanOrEqual(400);
    }
    expect(jwks.requests).toBe(0);
  });
});

describe('custom-token JWK set options', () => {
  let jwks: JwksServer;
  let key: TestKey;
  beforeAll(async () => {
    key = await asymmetricKey('ES256', 'ec');
    jwks = await JwksServer.start([key.publicJwk]);
  });
  afterAll(() => jwks.close());

  it('refetches on every unknown kid with cooldownDuration 0', async () => {
    const { MemoryStore } = await import('../../src/index.js');
    const t = createTestApp({
      store: new MemoryStore(),
      providers: { 'custom-token': { algorithms: ['ES256'], jwksUri: jwks.url, audience: 'app', jwksFetch: { cooldownDuration: 0 } } },
    });
    const now = Math.floor(t.clock.now().getTime() / 1000);
    const before = jwks.requests;
    for (let i = 0; i < 3; i++) {
      const token = await signToken({ ...key, kid: `other-${i}` }, { sub: 's', aud: 'app', exp: now + 60 });
      expect((await request(t.app).post(LOGIN).send({ token })).status).toBe(401);
    }
    expect(jwks.requests - before).toBe(4); // the first load, then one refetch per unknown kid
  });
});
