import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createTestApp } from '../support/app.js';
import { storeCases } from '../support/stores.js';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe.each(storeCases('anon'))('anon-user on $name', ({ make }) => {
  const setup = () => createTestApp({ store: make(), providers: { 'anon-user': {} } });

  it('logs in, reads the profile, refreshes with rotation, revokes on replay after the grace window, logs out', async () => {
    const { app, clock, logger } = setup();

    const login = await request(app).post('/auth/providers/anon-user/login').send({});
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ token_type: 'Bearer', expires_in: 1800 });
    expect(login.body.user_id).toMatch(/^[0-9a-f]{24}$/);
    const first = login.body as { access_token: string; refresh_token: string; user_id: string };

    const profile = await request(app).get('/auth/profile').set(bearer(first.access_token));
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ user_id: first.user_id, type: 'normal', data: {} });
    expect(profile.body.identities).toHaveLength(1);
    expect(profile.body.identities[0]).toMatchObject({ provider_type: 'anon-user', data: {} });

    clock.advance(60);
    const refreshed = await request(app).post('/auth/session').set(bearer(first.refresh_token));
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toBeDefined();
    expect(refreshed.body.refresh_token).not.toBe(first.refresh_token);
    expect(refreshed.body.access_token).not.toBe(first.access_token);
    expect(refreshed.body.user_id).toBe(first.user_id);

    // Within the grace window (two tabs refreshing at once) the old token still yields an access token, and no new refresh token.
    clock.advance(5);
    const tab = await request(app).post('/auth/session').set(bearer(first.refresh_token));
    expect(tab.status).toBe(200);
    expect(tab.body.access_token).toBeDefined();
    expect(tab.body.refresh_token).toBeUndefined();

    // After it, the old token is a stolen one: the whole session dies, the newest token included.
    clock.advance(10);
    const replay = await request(app).post('/auth/session').set(bearer(first.refresh_token));
    expect(replay.status).toBe(401);
    expect(replay.body).toEqual({ error: 'invalid session', error_code: 'InvalidSession' });
    const newest = await request(app).post('/auth/session').set(bearer(refreshed.body.refresh_token));
    expect(newest.status).toBe(401);
    expect(logger.lines.some((l) => l.message.includes('reused'))).toBe(true);
    expect(logger.text()).not.toContain(first.refresh_token);

    // A new session, then logout: its tokens stop working.
    const again = await request(app).post('/auth/providers/anon-user/login').send({});
    expect((await request(app).delete('/auth/session').set(bearer(again.body.refresh_token))).status).toBe(204);
    expect((await request(app).post('/auth/session').set(bearer(again.body.refresh_token))).status).toBe(401);
    const afterLogout = await request(app).get('/auth/profile').set(bearer(again.body.access_token));
    expect(afterLogout.status).toBe(401);
    expect(afterLogout.body.error_code).toBe('InvalidSession');
  });

  it('logs out with an access token as well as with the refresh token', async () => {
    const { app } = setup();
    const login = await request(app).post('/auth/providers/anon-user/login').send({});
    expect((await request(app).delete('/auth/session').set(bearer(login.body.access_token))).status).toBe(204);
    expect((await request(app).post('/auth/session').set(bearer(login.body.refresh_token))).status).toBe(401);
    // Logging out again is not an error.
    expect((await request(app).delete('/auth/session').set(bearer(login.body.refresh_token))).status).toBe(204);
  });

  it('gives exactly one of two concurrent refreshes a new refresh token', async () => {
    const { app } = setup();
    const login = await request(app).post('/auth/providers/anon-user/login').send({});
    const results = await Promise.all(
      [0, 1].map(() => request(app).post('/auth/session').set(bearer(login.body.refresh_token))),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(results.filter((r) => r.body.refresh_token !== undefined)).toHaveLength(1);
  });

  it('makes every login a new user', async () => {
    const { app } = setup();
    const a = await request(app).post('/auth/providers/anon-user/login').send({});
    const b = await request(app).post('/auth/providers/anon-user/login').send({});
    expect(a.body.user_id).not.toBe(b.body.user_id);
  });

  it('stores the device description a client sends on the session', async () => {
    const { app, auth } = setup();
    const device = { platform: 'web', sdkVersion: '2.0.1' };
    const login = await request(app).post('/auth/providers/anon-user/login').send({ options: { device } });
    expect(login.status).toBe(200);
    const [session] = await auth.store.listSessions(login.body.user_id, new Date(0));
    expect(session?.device).toEqual(device);
  });

  it('deletes the account with DELETE /delete, leaving no session behind', async () => {
    const { app, auth } = setup();
    const login = await request(app).post('/auth/providers/anon-user/login').send({});
    expect((await request(app).delete('/auth/delete').set(bearer(login.body.access_token))).status).toBe(204);
    expect(await auth.store.getUser(login.body.user_id)).toBeNull();
    expect(await auth.store.listIdentities(login.body.user_id)).toEqual([]);
    expect(await auth.store.listSessions(login.body.user_id, new Date(0))).toEqual([]);
    expect((await request(app).post('/auth/session').set(bearer(login.body.refresh_token))).status).toBe(401);
  });

  describe('sweep', () => {
    it('deletes anonymous users inactive for inactiveTtl, with their sessions, and keeps active ones', async () => {
      const { app, auth, clock } = createTestApp({
        store: make(),
        providers: { 'anon-user': { inactiveTtl: 3600 } },
        tokens: { refreshTokenTtl: 86_400 * 30 },
      });
      const idle = await request(app).post('/auth/providers/anon-user/login').send({});
      const active = await request(app).post('/auth/providers/anon-user/login').send({});
      clock.advance(3000);
      // A refresh is activity.
      expect((await request(app).post('/auth/session').set(bearer(active.body.refresh_token))).status).toBe(200);
      clock.advance(1000);
      const result = await auth.sweep();
      expect(result.providers['anon-user']).toBe(1);
      expect(await auth.store.getUser(idle.body.user_id)).toBeNull();
      expect(await auth.store.listSessions(idle.body.user_id, new Date(0))).toEqual([]);
      expect(await auth.store.getUser(active.body.user_id)).not.toBeNull();
    });
  });
});
