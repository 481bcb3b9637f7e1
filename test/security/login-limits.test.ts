import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { AuthOptions } from '../../src/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { FailingStore } from '../support/failing-store.js';
import { storeCases, type StoreCase } from '../support/stores.js';

const PINS: Record<string, string> = { 'emp-1': '4711', 'emp-2': '0815' };

function pinApp(store: StoreCase, providers: Partial<AuthOptions['providers']> = {}): TestApp {
  const t = createTestApp({
    store: store.make(),
    providers: {
      'anon-user': {},
      // The example of docs/providers.md: a PIN, which only a limit keeps from being guessed.
      'custom-function': {
        authenticate: ({ employeeId, pin }) => (typeof employeeId === 'string' && PINS[employeeId] === pin ? employeeId : null),
      },
      ...providers,
    },
  });
  t.app.set('trust proxy', 'loopback'); // lets a test speak for several addresses
  return t;
}

const pinLogin = (t: TestApp, employeeId: string, pin: string, ip = '203.0.113.9') =>
  request(t.app).post('/auth/providers/custom-function/login').set('X-Forwarded-For', ip).send({ employeeId, pin });

const userCount = async (t: TestApp) => (await t.auth.users.list({ limit: 1000 })).users.length;

describe.each(storeCases('login_limits'))('login rate limits of anon-user and custom-function, on $name', (store) => {
  describe('custom-function', () => {
    it('refuses the 31st failed login from one address by default, and then the right PIN too', async () => {
      const t = pinApp(store);
      for (let i = 0; i < 30; i++) expect((await pinLogin(t, 'emp-1', String(1000 + i))).status).toBe(401);
      const blocked = await pinLogin(t, 'emp-1', PINS['emp-1']!);
      expect(blocked.status).toBe(429);
      expect(blocked.body.error_code).toBe('TooManyRequests');
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      expect((await pinLogin(t, 'emp-1', PINS['emp-1']!, '198.51.100.4')).status).toBe(200);
    });

    it('limits all logins per address as configured, successful ones included', async () => {
      const t = pinApp(store, {
        'custom-function': {
          authenticate: ({ employeeId }) => String(employeeId),
          rateLimit: { login: { perIp: { limit: 3, window: 60 } } },
        },
      });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await pinLogin(t, `emp-${i}`, '')).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
    });

    it('limits failures per account, across addresses, when the host names the account', async () => {
      const t = pinApp(store, {
        'custom-function': {
          authenticate: ({ employeeId, pin }) => (typeof employeeId === 'string' && PINS[employeeId] === pin ? employeeId : null),
          account: (payload) => payload['employeeId'],
          rateLimit: { login: { failedPerAccount: { limit: 2 } } },
        },
      });
      expect((await pinLogin(t, 'emp-1', '0000', '203.0.113.1')).status).toBe(401);
      expect((await pinLogin(t, 'emp-1', '0001', '203.0.113.2')).status).toBe(401);
      expect((await pinLogin(t, 'emp-1', PINS['emp-1']!, '203.0.113.3')).status).toBe(429);
      expect((await pinLogin(t, 'emp-2', PINS['emp-2']!, '203.0.113.4')).status).toBe(200);
    });
  });

  describe('anon-user', () => {
    it('stops one address from creating users without end, and creates none for the refused logins', async () => {
      const t = pinApp(store, { 'anon-user': { rateLimit: { login: { perIp: { limit: 3, window: 60 } } } } });
      const statuses = [];
      for (let i = 0; i < 5; i++) {
        statuses.push((await request(t.app).post('/auth/providers/anon-user/login').set('X-Forwarded-For', '203.0.113.5').send({})).status);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(await userCount(t)).toBe(3);
      const other = await request(t.app).post('/auth/providers/anon-user/login').set('X-Forwarded-For', '198.51.100.5').send({});
      expect(other.status).toBe(200);
    });

    it('admits exactly the limit of a burst from one address, however the requests interleave', async () => {
      const t = pinApp(store, { 'anon-user': { rateLimit: { login: { perIp: { limit: 50 } } } } });
      const statuses = await Promise.all(
        Array.from({ length: 51 }, () =>
          request(t.app).post('/auth/providers/anon-user/login').set('X-Forwarded-For', '203.0.113.6').send({}).then((r) => r.status),
        ),
      );
      expect(statuses.filter((s) => s === 200)).toHaveLength(50);
      expect(statuses.filter((s) => s === 429)).toHaveLength(1);
    });
  });
});

describe.each(storeCases('login_limits_outage'))('failure limits during a store outage, on $name', (store) => {
  it('does not count 503 answers as failed logins: the owner logs in once the store is back', async () => {
    const failing = new FailingStore(store.make());
    const t = createTestApp({
      store: failing.store,
      providers: {
        'local-userpass': {
          confirmation: { mode: 'auto' },
          hashing: { memoryCost: 1024, timeCost: 1 },
          rateLimit: { login: { failedPerAccount: { limit: 3 } } },
        },
      },
    });
    const credentials = { username: 'owner@example.com', password: 'Kx7-owner-password' };
    await request(t.app).post('/auth/providers/local-userpass/register').send({ email: credentials.username, password: credentials.password }).expect(201);
    for (let i = 0; i < 4; i++) {
      failing.failOn('getUserpass');
      expect((await request(t.app).post('/auth/providers/local-userpass/login').send(credentials)).status).toBe(503);
    }
    expect((await request(t.app).post('/auth/providers/local-userpass/login').send(credentials)).status).toBe(200);
  });
});
