import { describe, expect, it } from 'vitest';
import { MongoStore } from '../../src/store/mongo/mongo-store.js';
import type { ConfirmationFunction, HostFunctionResult } from '../../src/index.js';
import { TestClock } from '../support/app.js';
import { mongoServerName, useTestDb } from '../support/mongo.js';
import { login, post, register, storeCases, strongPassword, userpassApp } from './local-userpass.support.js';

const db = useTestDb('userpass_confirm');

describe.each(storeCases(db))('local-userpass confirmation (%s)', (_name, makeStore) => {
  describe('POST /confirm', () => {
    it('uses a token once: the second use is 400 UserpassTokenInvalid', async () => {
      const t = userpassApp(makeStore());
      await register(t, 'once@example.com', strongPassword());
      const { token, tokenId } = t.mailbox.lastConfirmation('once@example.com');
      expect((await post(t, '/confirm', { token, tokenId })).status).toBe(204);
      const again = await post(t, '/confirm', { token, tokenId });
      expect(again.status).toBe(400);
      expect(again.body).toEqual({ error: 'invalid token data', error_code: 'UserpassTokenInvalid' });
    });

    it('lets at most one of two concurrent uses of a token succeed', async () => {
      const t = userpassApp(makeStore());
      await register(t, 'twice@example.com', strongPassword());
      const { token, tokenId } = t.mailbox.lastConfirmation('twice@example.com');
      const results = await Promise.all([post(t, '/confirm', { token, tokenId }), post(t, '/confirm', { token, tokenId })]);
      expect(results.map((r) => r.status).sort()).toEqual([204, 400]);
    });

    it('refuses a token after 30 minutes', async () => {
      const clock = new TestClock();
      const t = userpassApp(makeStore(), {}, clock);
      await register(t, 'late@example.com', strongPassword());
      const { token, tokenId } = t.mailbox.lastConfirmation('late@example.com');
      clock.advance(30 * 60 + 1);
      expect((await post(t, '/confirm', { token, tokenId })).body.error_code).toBe('UserpassTokenInvalid');
      expect(await t.store.getUserpass('late@example.com')).toMatchObject({ status: 'pending' });
    });

    it('refuses a wrong tokenId, and a made-up token', async () => {
      const t = userpassApp(makeStore());
      await register(t, 'wrongid@example.com', strongPassword());
      const { token } = t.mailbox.lastConfirmation('wrongid@example.com');
      expect((await post(t, '/confirm', { token, tokenId: 'not-the-id' })).status).toBe(400);
      expect((await post(t, '/confirm', { token: 'made-up', tokenId: 'made-up' })).status).toBe(400);
      expect(await t.store.getUserpass('wrongid@example.com')).toMatchObject({ status: 'pending' });
    });

    it('confirms only the account it was issued for: A’s token never confirms B', async () => {
      const t = userpassApp(makeStore());
      await register(t, 'a@example.com', strongPassword());
      await register(t, 'b@example.com', strongPassword());
      const a = t.mailbox.lastConfirmation('a@example.com');
      expect((await post(t, '/confirm', a)).status).toBe(204);
      expect(await t.store.getUserpass('a@example.com')).toMatchObject({ status: 'confirmed' });
      expect(await t.store.getUserpass('b@example.com')).toMatchObject({ status: 'pending' });
    });

    it('does not let the token of a removed registration confirm a new registration of the address', async () => {
      const t = userpassApp(makeStore());
      await register(t, 'again@example.com', strongPassword());
      const old = t.mailbox.lastConfirmation('again@example.com');
      await t.store.deleteUserpass('again@example.com');
      await register(t, 'again@example.com', strongPassword());
      expect((await post(t, '/confirm', old)).status).toBe(400);
      expect(await t.store.getUserpass('again@example.com')).toMatchObject({ status: 'pending' });
    });
  });

  describe('POST /confirm/send', () => {
    it('mails a new link to a pending address; both links work until one is used', async () => {
      const t = userpassApp(makeStore());
      const password = strongPassword();
      await register(t, 'resend@example.com', password);
      expect((await post(t, '/confirm/send', { email: 'Resend@example.com' })).status).toBe(204);
      expect(t.mailbox.confirmations).toHaveLength(2);
      const [first, second] = t.mailbox.confirmations;
      expect(second!.token).not.toBe(first!.token);
      expect((await post(t, '/confirm', second)).status).toBe(204);
      expect((await post(t, '/confirm', first)).status).toBe(400);
      expect((await login(t, 'resend@example.com', password)).status).toBe(200);
    });

    it('answers 204 and mails nothing for an unknown or already confirmed address', async () => {
      const t = userpassApp(makeStore());
      await register(t, 'done@example.com', strongPassword());
      await post(t, '/confirm', t.mailbox.lastConfirmation('done@example.com'));
      const known = await post(t, '/confirm/send', { email: 'done@example.com' });
      const unknown = await post(t, '/confirm/send', { email: 'ghost@example.com' });
      expect([known.status, unknown.status]).toEqual([204, 204]);
      expect(known.body).toEqual(unknown.body);
      expect(t.mailbox.confirmations).toHaveLength(1);
    });

    it('refuses outside email mode with 400', async () => {
      const t = userpassApp(makeStore(), { confirmation: { mode: 'auto' } });
      expect((await post(t, '/confirm/send', { email: 'x@example.com' })).body.error_code).toBe('BadRequest');
    });
  });

  describe('POST /confirm/call', () => {
    const withFunction = (decide: () => HostFunctionResult) => {
      const calls: Parameters<ConfirmationFunction>[0][] = [];
      const run: ConfirmationFunction = (req) => (calls.push(req), decide());
      return { calls, t: userpassApp(makeStore(), { confirmation: { mode: 'function', run } }) };
    };

    it('re-runs the function for a pending account: success confirms it', async () => {
      let verdict: HostFunctionResult = 'pending';
      const { calls, t } = withFunction(() => verdict);
      const password = strongPassword();
      await register(t, 'rerun@example.com', password);
      verdict = 'success';
      expect((await post(t, '/confirm/call', { email: 'rerun@example.com' })).status).toBe(204);
      expect(calls).toHaveLength(2);
      expect((await login(t, 'rerun@example.com', password)).status).toBe(200);
    });

    it('frees the address when the re-run fails', async () => {
      let verdict: HostFunctionResult = 'pending';
      const { t } = withFunction(() => verdict);
      await register(t, 'refused@example.com', strongPassword());
      verdict = 'fail';
      expect((await post(t, '/confirm/call', { email: 'refused@example.com' })).status).toBe(400);
      expect(await t.store.getUserpass('refused@example.com')).toBeNull();
    });

    it('answers 404 UserNotFound for an unknown address and 400 UserAlreadyConfirmed for a confirmed one', async () => {
      const { t } = withFunction(() => 'success');
      await register(t, 'confirmed@example.com', strongPassword());
      const unknown = await post(t, '/confirm/call', { email: 'ghost@example.com' });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ error: 'user not found', error_code: 'UserNotFound' });
      const done = await post(t, '/confirm/call', { email: 'confirmed@example.com' });
      expect(done.status).toBe(400);
      expect(done.body).toEqual({ error: 'already confirmed', error_code: 'UserAlreadyConfirmed' });
    });

    it('in email mode answers 204 whatever the address, and re-mails a pending one', async () => {
      const t = userpassApp(makeStore());
      await register(t, 'mailed@example.com', strongPassword());
      expect((await post(t, '/confirm/call', { email: 'ghost@example.com' })).status).toBe(204);
      expect((await post(t, '/confirm/call', { email: 'mailed@example.com' })).status).toBe(204);
      expect(t.mailbox.confirmations.map((m) => m.email)).toEqual(['mailed@example.com', 'mailed@example.com']);
    });
  });
});

describe(`local-userpass tokens at rest (MongoStore on ${mongoServerName})`, () => {
  it('stores a confirmation token only as its hash', async () => {
    const t = userpassApp(new MongoStore({ db: db(), collectionPrefix: 'hashed_' }));
    await register(t, 'hashed@example.com', strongPassword());
    const { token } = t.mailbox.lastConfirmation('hashed@example.com');
    const docs = await db().collection('hashed_tokens').find({ subject: 'hashed@example.com' }).toArray();
    expect(docs).toHaveLength(1);
    expect(JSON.stringify(docs)).not.toContain(token);
    expect(docs[0]).toMatchObject({ purpose: 'confirm', payload: { identityId: expect.any(String) } });
  });
});
