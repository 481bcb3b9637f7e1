import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useTestDb } from '../support/mongo.js';
import {
  login,
  post,
  register,
  registerConfirmed,
  storeCases,
  strongPassword,
  userpassApp,
} from './local-userpass.support.js';
import type { ConfirmationFunction, HostFunctionResult } from '../../src/index.js';

const db = useTestDb('userpass_register');

describe.each(storeCases(db))('local-userpass registration (%s)', (_name, makeStore) => {
  describe('confirmation mode email', () => {
    it('mails a link with token and tokenId, and keeps the account pending until it is used', async () => {
      const t = userpassApp(makeStore());
      const password = strongPassword();
      const res = await register(t, 'reader@example.com', password);
      expect(res.status).toBe(201);
      expect(await t.store.getUserpass('reader@example.com')).toMatchObject({ status: 'pending' });

      const mail = t.mailbox.lastConfirmation('reader@example.com');
      expect(mail.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits, base64url
      const url = new URL(mail.url);
      expect(url.origin + url.pathname).toBe('https://app.test/confirm');
      expect(url.searchParams.get('token')).toBe(mail.token);
      expect(url.searchParams.get('tokenId')).toBe(mail.tokenId);

      const pending = await login(t, 'reader@example.com', password);
      expect(pending.status).toBe(401);
      expect(pending.body).toEqual({ error: 'confirmation required', error_code: 'UserPending' });
    });

    it('completes the round trip: register, confirm with the mailed token, log in, see the profile', async () => {
      const t = userpassApp(makeStore());
      const password = strongPassword();
      await register(t, 'journalist@example.com', password);
      const { token, tokenId } = t.mailbox.lastConfirmation('journalist@example.com');
      expect((await post(t, '/confirm', { token, tokenId })).status).toBe(204);

      const res = await login(t, 'journalist@example.com', password);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ token_type: 'Bearer', user_id: expect.any(String), refresh_token: expect.any(String) });
      const profile = await request(t.app).get('/auth/profile').set('Authorization', `Bearer ${res.body.access_token}`);
      const record = await t.store.getUserpass('journalist@example.com');
      expect(profile.body).toMatchObject({
        user_id: res.body.user_id,
        identities: [{ id: record!.identityId, provider_type: 'local-userpass', data: { email: 'journalist@example.com' } }],
        data: { email: 'journalist@example.com' },
      });
      const posts = await request(t.app).get('/members').set('Authorization', `Bearer ${res.body.access_token}`);
      expect(posts.status).toBe(200);
    });

    it('answers a taken address exactly like a new one, tells its owner, and leaves the account untouched', async () => {
      const t = userpassApp(makeStore());
      const first = await register(t, 'taken@example.com', strongPassword());
      const before = await t.store.getUserpass('taken@example.com');
      const again = await register(t, 'Taken@Example.com', strongPassword());
      const fresh = await register(t, 'fresh@example.com', strongPassword());

      expect([first.status, again.status, fresh.status]).toEqual([201, 201, 201]);
      expect(again.body).toEqual(fresh.body);
      expect(again.headers['content-type']).toEqual(fresh.headers['content-type']);
      expect(await t.store.getUserpass('taken@example.com')).toEqual(before);
      expect(t.mailbox.existing).toEqual(['taken@example.com']);
      expect(t.mailbox.confirmations.map((m) => m.email)).toEqual(['taken@example.com', 'fresh@example.com']);
    });

    it('keeps one account when 20 registrations of one address (in mixed case) race', async () => {
      const t = userpassApp(makeStore());
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => register(t, i % 2 ? 'Race@X.com' : 'race@x.com', strongPassword())),
      );
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
      expect(await t.store.listUserpass({ limit: 10 })).toHaveLength(1);
      expect(t.mailbox.confirmations).toHaveLength(1);
      expect(t.mailbox.existing).toHaveLength(19);
    });
  });

  describe('confirmation mode auto', () => {
    it('confirms at once and refuses a taken address with 409 AccountNameInUse', async () => {
      const t = userpassApp(makeStore(), { confirmation: { mode: 'auto' } });
      const password = strongPassword();
      expect((await register(t, 'auto@example.com', password)).status).toBe(201);
      expect((await login(t, 'auto@example.com', password)).status).toBe(200);
      const taken = await register(t, 'AUTO@example.com', strongPassword());
      expect(taken.status).toBe(409);
      expect(taken.body).toEqual({ error: 'name already in use', error_code: 'AccountNameInUse' });
    });

    it('lets exactly one of 20 concurrent registrations of one address win; the others get 409, none a 500', async () => {
      const t = userpassApp(makeStore(), { confirmation: { mode: 'auto' } });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => register(t, i % 2 ? 'A@x.com' : 'a@x.com', strongPassword())),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([201, ...Array(19).fill(409)]);
      expect(await t.store.listUserpass({ limit: 10 })).toHaveLength(1);
    });
  });

  describe('confirmation mode function', () => {
    const withFunction = (decide: (email: string) => HostFunctionResult) => {
      const calls: Parameters<ConfirmationFunction>[0][] = [];
      const run: ConfirmationFunction = (req) => {
        calls.push(req);
        return decide(req.email);
      };
      return { calls, t: userpassApp(makeStore(), { confirmation: { mode: 'function', run } }) };
    };

    it('confirms on success: the function gets email, username, token and tokenId', async () => {
      const { calls, t } = withFunction(() => 'success');
      const password = strongPassword();
      expect((await register(t, 'fn@example.com', password)).status).toBe(201);
      expect(calls).toEqual([{ email: 'fn@example.com', username: 'fn@example.com', token: expect.any(String), tokenId: expect.any(String) }]);
      expect((await login(t, 'fn@example.com', password)).status).toBe(200);
    });

    it('leaves the account pending on pending, until /confirm gets the token the function was given', async () => {
      const { calls, t } = withFunction(() => ({ status: 'pending' }));
      const password = strongPassword();
      expect((await register(t, 'later@example.com', password)).status).toBe(201);
      expect((await login(t, 'later@example.com', password)).body.error_code).toBe('UserPending');
      const { token, tokenId } = calls[0]!;
      expect((await post(t, '/confirm', { token, tokenId })).status).toBe(204);
      expect((await login(t, 'later@example.com', password)).status).toBe(200);
    });

    it('refuses on fail with 400 and frees the address for a new registration', async () => {
      let verdict: HostFunctionResult = 'fail';
      const { t } = withFunction(() => verdict);
      const res = await register(t, 'nope@example.com', strongPassword());
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'failed to confirm user "nope@example.com"', error_code: 'BadRequest' });
      expect(await t.store.getUserpass('nope@example.com')).toBeNull();
      verdict = 'success';
      expect((await register(t, 'nope@example.com', strongPassword())).status).toBe(201);
    });

    it('treats a function that throws as fail, and logs it', async () => {
      const t = userpassApp(makeStore(), {
        confirmation: { mode: 'function', run: () => { throw new Error('crm down'); } },
      });
      expect((await register(t, 'boom@example.com', strongPassword())).status).toBe(400);
      expect(await t.store.getUserpass('boom@example.com')).toBeNull();
      expect(t.logger.text()).toContain('crm down');
    });

    it('refuses a taken address with 409 AccountNameInUse', async () => {
      const { t } = withFunction(() => 'success');
      await register(t, 'dup@example.com', strongPassword());
      expect((await register(t, 'dup@example.com', strongPassword())).body.error_code).toBe('AccountNameInUse');
    });
  });

  describe('email addresses', () => {
    it('trims and lower-cases the address: one account whatever the case', async () => {
      const t = userpassApp(makeStore());
      const password = strongPassword();
      await registerConfirmed(t, '  Mixed.Case@Example.COM ', password);
      expect(await t.store.getUserpass('mixed.case@example.com')).not.toBeNull();
      expect((await login(t, 'MIXED.case@example.com', password)).status).toBe(200);
    });

    it('rejects something that is not an email address with 400 naming the field', async () => {
      const t = userpassApp(makeStore());
      const res = await register(t, 'not-an-address', strongPassword());
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error_code: 'InvalidParameter', error: expect.stringContaining('email') });
    });
  });

  describe('untrusted bodies', () => {
    it('ignores fields beyond email and password (no mass assignment)', async () => {
      const t = userpassApp(makeStore());
      const res = await post(t, '/register', {
        email: 'mass@example.com',
        password: strongPassword(),
        confirmed: true,
        status: 'confirmed',
        _id: 'attacker-chosen',
        identityId: 'attacker-chosen',
        passwordHash: '$argon2id$forged',
        emailVerified: true,
      });
      expect(res.status).toBe(201);
      const record = await t.store.getUserpass('mass@example.com');
      expect(record).toMatchObject({ email: 'mass@example.com', status: 'pending' });
      expect(record!.identityId).not.toBe('attacker-chosen');
      expect(record!.passwordHash).toMatch(/^\$argon2id\$/);
      expect(await t.store.getUserpass('attacker-chosen')).toBeNull();
    });

    it.each([
      ['register', '/register', { email: { $ne: null }, password: 'Kx7-abcdefgh12' }],
      ['register', '/register', { email: 'x@example.com', password: { $gt: '' } }],
      ['login', '/login', { username: { $ne: null }, password: 'anything-at-all' }],
      ['login', '/login', { username: 'x@example.com', password: { $gt: '' } }],
      ['login', '/login', { username: 'x@example.com', password: ['a', 'b'] }],
      ['confirm', '/confirm', { token: { $ne: null }, tokenId: 'x' }],
      ['confirm/send', '/confirm/send', { email: { $regex: '.*' } }],
      ['reset/send', '/reset/send', { email: { $ne: null } }],
      ['reset', '/reset', { token: 'x', tokenId: { $gt: '' }, password: 'Kx7-abcdefgh12' }],
    ])('rejects an operator object on %s with 400 InvalidParameter', async (_route, path, body) => {
      const t = userpassApp(makeStore());
      const res = await post(t, path, body);
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('InvalidParameter');
    });

    it('keeps __proto__ in a body harmless', async () => {
      const t = userpassApp(makeStore());
      const res = await request(t.app)
        .post('/auth/providers/local-userpass/register')
        .set('Content-Type', 'application/json')
        .send(`{"email":"proto@example.com","password":"${strongPassword()}","__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}}}`);
      expect(res.status).toBe(201);
      expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
    });
  });
});
