import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { storeCases, type StoreCase } from '../support/stores.js';

const PASSWORD = 'analytical-engine-1843';
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

function app(store: StoreCase): TestApp {
  return createTestApp({
    store: store.make(),
    providers: {
      'anon-user': {},
      'local-userpass': {
        confirmation: { mode: 'auto' },
        hashing: { memoryCost: 1024, timeCost: 1 },
        rateLimit: { login: { failedPerAccount: { limit: 2 } } },
      },
    },
  });
}

const lines = (t: TestApp, message: string) => t.logger.lines.filter((l) => l.message === `express-auth-providers: ${message}`);

describe.each(storeCases('auth_events'))('auth events in the log, on $name', (store) => {
  it('logs logins, refusals, links, unlinks, logouts, lockouts, disables and deletions, with user and request ids and no secret', async () => {
    const t = app(store);
    const anon = await request(t.app).post('/auth/providers/anon-user/login').set('X-Request-Id', 'req-anon-1').send({});
    expect(lines(t, 'login')).toEqual([
      { level: 'info', message: 'express-auth-providers: login', meta: { requestId: 'req-anon-1', userId: anon.body.user_id, provider: 'anon-user', sessionId: anon.body.device_id } },
    ]);

    await request(t.app).post('/auth/providers/local-userpass/register').send({ email: 'ada@example.com', password: PASSWORD }).expect(201);
    const link = await request(t.app).post('/auth/link/providers/local-userpass/login').set(bearer(anon.body.access_token)).send({ username: 'ada@example.com', password: PASSWORD });
    expect(link.status).toBe(200);
    expect(lines(t, 'link')[0]?.meta).toMatchObject({ userId: anon.body.user_id, provider: 'local-userpass', requestId: expect.any(String) });

    const wrong = await request(t.app).post('/auth/providers/local-userpass/login').send({ username: 'ada@example.com', password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(lines(t, 'login refused')[0]).toMatchObject({ level: 'warn', meta: { code: 'InvalidPassword', provider: 'local-userpass' } });
    await request(t.app).post('/auth/providers/local-userpass/login').send({ username: 'ada@example.com', password: 'not-the-password' });
    expect((await request(t.app).post('/auth/providers/local-userpass/login').send({ username: 'ada@example.com', password: PASSWORD })).status).toBe(429);
    expect(lines(t, 'rate limit reached')[0]).toMatchObject({ level: 'warn', meta: { limiter: 'local-userpass:login:account' } });

    const anonIdentity = (await t.auth.users.get(anon.body.user_id))!.identities.find((i) => i.providerType === 'anon-user')!;
    await request(t.app).delete(`/auth/identities/anon-user/${anonIdentity.id}`).set(bearer(anon.body.access_token)).expect(200);
    expect(lines(t, 'unlink')[0]?.meta).toMatchObject({ userId: anon.body.user_id, provider: 'anon-user' });

    await request(t.app).delete('/auth/session').set(bearer(anon.body.refresh_token)).expect(204);
    expect(lines(t, 'logout')[0]?.meta).toMatchObject({ userId: anon.body.user_id, sessionId: anon.body.device_id });

    await t.auth.users.disable(anon.body.user_id);
    await t.auth.users.enable(anon.body.user_id);
    await t.auth.users.delete(anon.body.user_id);
    expect(['user disabled', 'user enabled', 'user deleted'].map((m) => lines(t, m)[0]?.meta?.['userId'])).toEqual(Array(3).fill(anon.body.user_id));

    const text = t.logger.text();
    for (const secret of [PASSWORD, 'not-the-password', anon.body.access_token, anon.body.refresh_token]) expect(text).not.toContain(secret);
  });

  it('keeps a caller’s X-Request-Id only when it is a plain token', async () => {
    const t = app(store);
    await request(t.app).post('/auth/providers/anon-user/login').set('X-Request-Id', 'not a plain token; <script>').send({});
    expect(lines(t, 'login')[0]?.meta?.['requestId']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
