import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { RedisStore } from 'rate-limit-redis';
import { createClient } from 'redis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MongoStore, type AuthOptions } from '../../src/index.js';
import { createTestApp, TestClock, testSigningKey, type TestApp } from '../support/app.js';
import { mongoServerName } from '../support/mongo.js';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
type UserpassOptions = NonNullable<AuthOptions['providers']['local-userpass']>;

const CACHE_MS = 5_000;
const GRACE_S = 10;

/**
 * SPEC §3 and §9 with several processes: two app instances, each with its own MongoClient
 * to one database (one collection prefix) and its own limiters counting in one Redis. What
 * one instance decides (a spent rate limit, a logout, a stolen refresh token) holds on the
 * other. MongoStore only: MemoryStore is single-process by design.
 */
describe(`two instances sharing MongoDB (${mongoServerName}) and Redis`, () => {
  const clients = [1, 2].map(() => new MongoClient(inject('mongoUri'), { serverSelectionTimeoutMS: 10_000 }));
  const dbName = `t_two_instances_${randomBytes(4).toString('hex')}`;
  const redis = createClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
  const redisPrefix = `eap-two-${randomBytes(4).toString('hex')}:`;
  let n = 0;

  beforeAll(async () => {
    await redis.connect();
  });
  afterAll(async () => {
    const keys = await redis.keys(`${redisPrefix}*`);
    if (keys.length) await redis.del(keys);
    await redis.quit();
    await clients[0]!.db(dbName).dropDatabase().catch(() => undefined);
    await Promise.all(clients.map((c) => c.close()));
  });

  /**
   * Instances A and B, as two processes would run them: the same options, signing key and
   * (test) clock; their own MongoClient, MongoStore, caches and limiter stores.
   */
  async function twoInstances(userpass: Partial<UserpassOptions> = {}): Promise<[TestApp, TestApp, TestClock]> {
    const clock = new TestClock();
    const signingKey = testSigningKey();
    const collectionPrefix = `i${n++}_`;
    const limitPrefix = `${redisPrefix}${collectionPrefix}`;
    const instance = (client: MongoClient) =>
      createTestApp({
        clock,
        store: new MongoStore({ db: client.db(dbName), collectionPrefix }),
        tokens: { signingKeys: [signingKey], sessionCheckCacheMs: CACHE_MS, refreshGracePeriod: GRACE_S },
        providers: {
          'anon-user': {},
          'local-userpass': {
            confirmation: { mode: 'auto' },
            hashing: { memoryCost: 1024, timeCost: 1 },
            ...userpass,
            rateLimit: {
              // One store object per limiter and instance, counting under the limiter's name.
              store: (name) => new RedisStore({ sendCommand: (...args: string[]) => redis.sendCommand(args), prefix: `${limitPrefix}${name}:` }),
              ...userpass.rateLimit,
            },
          },
        },
      });
    const [a, b] = clients.map(instance) as [TestApp, TestApp];
    await a.auth.init();
    return [a, b, clock];
  }

  const login = (t: TestApp, username: string, password: string) =>
    request(t.app).post('/auth/providers/local-userpass/login').send({ username, password });
  const anonLogin = async (t: TestApp) => {
    const res = await request(t.app).post('/auth/providers/anon-user/login').send({});
    expect(res.status).toBe(200);
    return res.body as { access_token: string; refresh_token: string };
  };
  const refresh = (t: TestApp, token: string) => request(t.app).post('/auth/session').set(bearer(token));

  describe('rate limits (rate-limit-redis)', () => {
    it('shares the failed-login budget of an account: alternating instances buys no extra attempts', async () => {
      const [a, b] = await twoInstances({ rateLimit: { login: { failedPerAccount: { limit: 3 } } } });
      const password = `Kx7-${randomBytes(9).toString('base64url')}`;
      expect((await request(a.app).post('/auth/providers/local-userpass/register').send({ email: 'shared@example.com', password })).status).toBe(201);

      const statuses = [];
      for (const t of [a, b, a, b]) statuses.push((await login(t, 'shared@example.com', 'wrong-password')).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      // Spent on both, for the right password too.
      expect((await login(a, 'shared@example.com', password)).status).toBe(429);
      expect((await login(b, 'shared@example.com', password)).status).toBe(429);
      // Another account keeps its own budget.
      expect((await login(b, 'other@example.com', 'wrong-password')).status).toBe(401);
    });

    it('shares the per-address login budget', async () => {
      const [a, b] = await twoInstances({ rateLimit: { login: { perIp: { limit: 4 } } } });
      const statuses = [];
      for (const t of [a, b, a, b, a]) statuses.push((await login(t, `u${statuses.length}@example.com`, 'wrong-password')).status);
      expect(statuses).toEqual([401, 401, 401, 401, 429]);
      const refused = await login(b, 'u5@example.com', 'wrong-password');
      expect(refused.status).toBe(429);
      expect(refused.body.error_code).toBe('TooManyRequests');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    });
  });

  describe('logout (DELETE /session)', () => {
    it('is refused by requireUser({ checkSession: true }) on the other instance once its session-check cache time has passed', async () => {
      const [a, b, clock] = await twoInstances();
      const me = await anonLogin(a);
      expect((await request(b.app).get('/live').set(bearer(me.access_token))).status).toBe(200); // B caches "live"

      expect((await request(a.app).delete('/auth/session').set(bearer(me.refresh_token))).status).toBe(204);
      expect((await request(a.app).get('/live').set(bearer(me.access_token))).status).toBe(401); // A forgot its entry
      // B trusts its cached answer for at most sessionCheckCacheMs (SPEC §3: a bounded cache).
      expect((await request(b.app).get('/live').set(bearer(me.access_token))).status).toBe(200);

      clock.advance(CACHE_MS / 1000 + 1);
      const refused = await request(b.app).get('/live').set(bearer(me.access_token));
      expect(refused.status).toBe(401);
      expect(refused.body.error_code).toBe('InvalidSession');
      expect(refused.headers['www-authenticate']).toMatch(/^Bearer/);
      // Refreshing reads the store, with no cache: refused on B at once.
      expect((await refresh(b, me.refresh_token)).body.error_code).toBe('InvalidSession');
    });
  });

  describe('refresh-token rotation', () => {
    it('lets a concurrent refresh on the other instance use the token just rotated away, within the grace period', async () => {
      const [a, b] = await twoInstances();
      const me = await anonLogin(a);
      const rotated = await refresh(a, me.refresh_token);
      expect(rotated.status).toBe(200);
      const late = await refresh(b, me.refresh_token);
      expect(late.status).toBe(200);
      expect(late.body.refresh_token).toBeUndefined(); // no second rotation
      expect((await refresh(b, rotated.body.refresh_token)).status).toBe(200);
    });

    it('detects reuse on the other instance: the old token after the grace period is refused and the session revoked', async () => {
      const [a, b, clock] = await twoInstances();
      const me = await anonLogin(a);
      const rotated = await refresh(a, me.refresh_token);
      expect(rotated.status).toBe(200);
      const current = rotated.body.refresh_token as string;
      expect((await request(a.app).get('/live').set(bearer(rotated.body.access_token))).status).toBe(200);

      clock.advance(GRACE_S + 1);
      const reused = await refresh(b, me.refresh_token);
      expect(reused.status).toBe(401);
      expect(reused.body.error_code).toBe('InvalidSession');

      // The whole session is gone: the thief's and the owner's tokens alike, on either instance.
      expect((await refresh(a, current)).body.error_code).toBe('InvalidSession');
      expect((await refresh(b, current)).status).toBe(401);
      clock.advance(CACHE_MS / 1000 + 1);
      expect((await request(a.app).get('/live').set(bearer(rotated.body.access_token))).status).toBe(401);
    });
  });
});
