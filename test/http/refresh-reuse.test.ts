import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { storeCases } from '../support/stores.js';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

interface Tokens {
  access_token: string;
  refresh_token: string;
}

const refresh = (t: TestApp, token: string) => request(t.app).post('/auth/session').set(bearer(token));

/** Logs in and rotates the refresh token `rotations` times, a minute apart; returns every token of the chain. */
async function chain(t: TestApp, rotations: number): Promise<Tokens[]> {
  const tokens: Tokens[] = [(await request(t.app).post('/auth/providers/anon-user/login').send({}).expect(200)).body];
  for (let i = 0; i < rotations; i++) {
    t.clock.advance(60);
    const res = await refresh(t, tokens[i]!.refresh_token);
    expect(res.status).toBe(200);
    tokens.push(res.body);
  }
  return tokens;
}

async function expectRevoked(t: TestApp, tokens: Tokens[]) {
  const newest = tokens[tokens.length - 1]!;
  expect((await refresh(t, newest.refresh_token)).status).toBe(401);
  const live = await request(t.app).get('/live').set(bearer(newest.access_token));
  expect(live.status).toBe(401);
  expect(live.body.error_code).toBe('InvalidSession');
}

describe.each(storeCases('refresh_reuse', { atomicPath: true }))('refresh-token reuse on $name', ({ make }) => {
  const setup = () => createTestApp({ store: make(), providers: { 'anon-user': {} } });

  describe('a token rotated away more than once', () => {
    it('revokes the session when the victim presents T0 after a thief rotated T0 → T1 → T2', async () => {
      const t = setup();
      const tokens = await chain(t, 2);
      t.clock.advance(60);
      const replay = await refresh(t, tokens[0]!.refresh_token);
      expect(replay.status).toBe(401);
      expect(replay.body).toEqual({ error: 'invalid session', error_code: 'InvalidSession' });
      await expectRevoked(t, tokens);
      expect(t.logger.lines.some((l) => l.level === 'warn' && l.message.includes('reused'))).toBe(true);
    });

    it('revokes the session for any token of a long chain, however old', async () => {
      const t = setup();
      const tokens = await chain(t, 6);
      expect((await refresh(t, tokens[2]!.refresh_token)).status).toBe(401);
      await expectRevoked(t, tokens);
    });

    it('revokes the session even inside the grace period of the last rotation: only the token just replaced has one', async () => {
      const t = setup();
      const tokens = await chain(t, 2);
      t.clock.advance(1);
      expect((await refresh(t, tokens[0]!.refresh_token)).status).toBe(401);
      await expectRevoked(t, tokens);
    });

    it('ends the session when such a token is used to log out', async () => {
      const t = setup();
      const tokens = await chain(t, 3);
      expect((await request(t.app).delete('/auth/session').set(bearer(tokens[0]!.refresh_token))).status).toBe(204);
      await expectRevoked(t, tokens);
    });
  });

  describe('a token the session never issued', () => {
    it('is refused without revoking the session, so knowing a session id is not enough to end it', async () => {
      const t = setup();
      const tokens = await chain(t, 2);
      const sessionId = tokens[0]!.refresh_token.split('.')[0]!;
      const forged = `${sessionId}.${randomBytes(32).toString('base64url')}`;
      expect((await refresh(t, forged)).status).toBe(401);
      // Logout answers 204 for a session it cannot name, as for one already ended; nothing ends.
      expect((await request(t.app).delete('/auth/session').set(bearer(forged))).status).toBe(204);
      expect((await refresh(t, tokens[2]!.refresh_token)).status).toBe(200);
    });

    it('is refused when it is another session’s token under this session’s id', async () => {
      const t = setup();
      const victim = await chain(t, 2);
      const other = await chain(t, 2);
      const grafted = `${victim[0]!.refresh_token.split('.')[0]}.${other[0]!.refresh_token.split('.')[1]}`;
      expect((await refresh(t, grafted)).status).toBe(401);
      expect((await refresh(t, victim[2]!.refresh_token)).status).toBe(200);
    });
  });

  describe('a session opened by another instance', () => {
    it('rotates there and here alike, and a reuse is detected by either', async () => {
      const t = setup();
      const other = createTestApp({ store: t.auth.store, providers: { 'anon-user': {} }, clock: t.clock });
      const [first] = await chain(t, 0);
      t.clock.advance(60);
      const second = (await refresh(other, first!.refresh_token).expect(200)).body as Tokens;
      t.clock.advance(60);
      const third = (await refresh(t, second.refresh_token).expect(200)).body as Tokens;
      expect((await refresh(other, first!.refresh_token)).status).toBe(401);
      await expectRevoked(t, [third]);
    });
  });

  describe('a refresh refused for a disabled user', () => {
    it('leaves the token current: enabled again, the same token refreshes after the grace period', async () => {
      const t = setup();
      const [tokens] = await chain(t, 0);
      const userId = (await request(t.app).get('/posts').set(bearer(tokens!.access_token)).expect(200)).body.user.id;
      await t.auth.store.updateUser(userId, { disabled: true });
      const refused = await refresh(t, tokens!.refresh_token);
      expect([refused.status, refused.body.error_code]).toEqual([403, 'UserDisabled']);
      await t.auth.store.updateUser(userId, { disabled: false });
      t.clock.advance(60);
      const res = await refresh(t, tokens!.refresh_token);
      expect(res.status).toBe(200);
      expect(res.body.refresh_token).toEqual(expect.any(String));
    });
  });
});
