import { randomBytes } from 'node:crypto';
import type { Store as RateLimitStore } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import { createClient } from 'redis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoStore } from '../../src/store/mongo/mongo-store.js';
import { mongoServerName, useTestDb } from '../support/mongo.js';
import { login, post, register, storeCases, strongPassword, userpassApp } from './local-userpass.support.js';

const db = useTestDb('userpass_limits');
let n = 0;
const mongo = () => new MongoStore({ db: db(), collectionPrefix: `l${n++}_` });
// Cheap hashes keep a hundred logins quick; the limits do not depend on the parameters.
const hashing = { memoryCost: 1024, timeCost: 1 };
const auto = { mode: 'auto' as const };

/** Sends `count` logins one after another, each from a different claimed client address. */
async function failedLogins(t: ReturnType<typeof userpassApp>, email: string, count: number) {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const res = await request(t.app)
      .post('/auth/providers/local-userpass/login')
      .set('X-Forwarded-For', `203.0.113.${i % 250}`)
      .send({ username: email, password: `wrong-password-${i}` });
    statuses.push(res.status);
  }
  return statuses;
}

describe(`local-userpass rate limits (MongoStore on ${mongoServerName})`, () => {
  describe('failed logins per account', () => {
    it('refuses the 101st failed login for one account with 429, even from rotating X-Forwarded-For addresses', async () => {
      const t = userpassApp(mongo(), { confirmation: auto, hashing, rateLimit: { login: { perIp: { limit: 10_000 } } } });
      const password = strongPassword();
      await register(t, 'target@example.com', password);

      const statuses = await failedLogins(t, 'Target@Example.com', 101);
      expect(statuses.slice(0, 100)).toEqual(Array(100).fill(401));
      expect(statuses[100]).toBe(429);

      // Blocked for the hour: even the right password, from yet another claimed address.
      const blocked = await request(t.app)
        .post('/auth/providers/local-userpass/login')
        .set('X-Forwarded-For', '198.51.100.7')
        .send({ username: 'target@example.com', password });
      expect(blocked.status).toBe(429);
      expect(blocked.body).toEqual({ error: 'too many requests, try again later', error_code: 'TooManyRequests' });
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(3600);

      // Other accounts are unaffected.
      await register(t, 'bystander@example.com', password);
      expect((await login(t, 'bystander@example.com', password)).status).toBe(200);
    });

    it('counts only failures: successful logins leave the budget alone', async () => {
      const t = userpassApp(mongo(), {
        confirmation: auto,
        hashing,
        rateLimit: { login: { failedPerAccount: { limit: 3 } } },
      });
      const password = strongPassword();
      await register(t, 'ok@example.com', password);
      await failedLogins(t, 'ok@example.com', 2);
      for (let i = 0; i < 5; i++) expect((await login(t, 'ok@example.com', password)).status).toBe(200);
      expect(await failedLogins(t, 'ok@example.com', 2)).toEqual([401, 429]);
    });

    it('counts an unknown account like a known one', async () => {
      const t = userpassApp(mongo(), { confirmation: auto, hashing, rateLimit: { login: { failedPerAccount: { limit: 3 } } } });
      expect(await failedLogins(t, 'nobody@example.com', 4)).toEqual([401, 401, 401, 429]);
    });
  });

  describe('per client address', () => {
    it('ignores X-Forwarded-For when no proxy is trusted: rotating it does not buy more attempts', async () => {
      const t = userpassApp(mongo(), { confirmation: auto, hashing, rateLimit: { login: { perIp: { limit: 5 } } } });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await request(t.app)
          .post('/auth/providers/local-userpass/login')
          .set('X-Forwarded-For', `192.0.2.${i}`)
          .send({ username: `user${i}@example.com`, password: 'wrong-password' });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      // The host hears that a header it does not trust was sent (a proxy it may have forgotten to trust).
      expect(t.logger.text()).toContain('X-Forwarded-For');
    });

    it('limits registrations per address', async () => {
      const t = userpassApp(mongo(), { hashing, rateLimit: { register: { perIp: { limit: 2 } } } });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await register(t, `r${i}@example.com`, strongPassword())).status);
      expect(statuses).toEqual([201, 201, 429]);
    });

    it('limits token submissions (confirm, reset) per address', async () => {
      const t = userpassApp(mongo(), { hashing, rateLimit: { token: { perIp: { limit: 3 } } } });
      const statuses = [];
      for (let i = 0; i < 2; i++) statuses.push((await post(t, '/confirm', { token: `guess-${i}`, tokenId: 'x' })).status);
      for (let i = 0; i < 2; i++) statuses.push((await post(t, '/reset', { token: `guess-${i}`, tokenId: 'x', password: strongPassword() })).status);
      expect(statuses).toEqual([400, 400, 400, 429]);
    });
  });

  describe('mail per address', () => {
    it('sends at most 5 mails an hour to one address across confirm/send and reset/send, then 429', async () => {
      const t = userpassApp(mongo(), { hashing });
      await register(t, 'inbox@example.com', strongPassword());
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await post(t, '/confirm/send', { email: 'inbox@example.com' })).status);
      for (let i = 0; i < 3; i++) statuses.push((await post(t, '/reset/send', { email: 'INBOX@example.com' })).status);
      expect(statuses).toEqual([204, 204, 204, 204, 204, 429]);
      expect(t.mailbox.confirmations.length + t.mailbox.resets.length).toBe(1 + 5);
      expect((await post(t, '/reset/send', { email: 'other@example.com' })).status).toBe(204);
    });
  });

  it('fails closed with 503 when the limit store cannot be reached', async () => {
    const broken: RateLimitStore = {
      increment: async () => {
        throw new Error('connection refused');
      },
      decrement: async () => undefined,
      resetKey: async () => undefined,
    };
    const t = userpassApp(mongo(), { confirmation: auto, hashing, rateLimit: { store: () => broken } });
    const res = await login(t, 'any@example.com', strongPassword());
    expect(res.status).toBe(503);
    expect(res.body.error_code).toBe('ServiceUnavailable');
  });
});

describe('local-userpass rate limits shared through Redis (rate-limit-redis, 127.0.0.1:6379)', () => {
  const redis = createClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' });
  const prefix = `eap-test-${randomBytes(4).toString('hex')}:`;
  const redisStore = (name: string) =>
    new RedisStore({ sendCommand: (...args: string[]) => redis.sendCommand(args), prefix: `${prefix}${name}:` });

  beforeAll(async () => {
    await redis.connect();
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(keys);
    await redis.quit();
  });

  it('counts failed logins across two instances sharing one Redis', async () => {
    const [storeName, makeStore] = storeCases(db)[0]!;
    expect(storeName).toContain('MongoStore');
    const store = makeStore();
    const options = { confirmation: auto, hashing, rateLimit: { store: redisStore, login: { failedPerAccount: { limit: 3 } } } };
    const a = userpassApp(store, options);
    const b = userpassApp(store, options);
    const password = strongPassword();
    await register(a, 'shared@example.com', password);

    expect(await failedLogins(a, 'shared@example.com', 2)).toEqual([401, 401]);
    expect(await failedLogins(b, 'shared@example.com', 2)).toEqual([401, 429]);
    expect((await login(a, 'shared@example.com', password)).status).toBe(429);

    const keys = await redis.keys(`${prefix}local-userpass:login:account:*`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain('shared@example.com'); // accounts are keyed by hash
  });
});
