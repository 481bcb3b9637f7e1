import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/index.js';
import { apiKeyApp, createKey, permanentUser } from './api-key.helpers.js';

describe('api-key login rate limits', () => {
  it('answers 429 with Retry-After once one address has failed too often, and keeps other addresses apart', async () => {
    const t = apiKeyApp(new MemoryStore(), { rateLimit: { login: { failedPerIp: { limit: 3, window: 600 } } } });
    t.app.set('trust proxy', 'loopback'); // lets the test speak for two addresses
    const user = await permanentUser(t);
    const { key } = await createKey(t, user, 'ci');
    const from = (ip: string, body: object) =>
      request(t.app).post('/auth/providers/api-key/login').set('X-Forwarded-For', ip).send(body);

    for (let i = 0; i < 3; i++) expect((await from('203.0.113.7', { key: `eapk_guess${i}` })).status).toBe(401);
    const blocked = await from('203.0.113.7', { key });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error_code).toBe('TooManyRequests');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Successful logins do not count, and another address is not affected.
    expect((await from('198.51.100.2', { key })).status).toBe(200);
    expect((await from('198.51.100.2', { key })).status).toBe(200);
  });
});
