import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { HostFunctionResult, ResetFunction } from '../../src/index.js';
import { TestClock } from '../support/app.js';
import { useTestDb } from '../support/mongo.js';
import {
  login,
  post,
  register,
  registerConfirmed,
  signedIn,
  storeCases,
  strongPassword,
  userpassApp,
  type UserpassApp,
} from './local-userpass.support.js';

const db = useTestDb('userpass_reset');

const refresh = (t: UserpassApp, token: string) => request(t.app).post('/auth/session').set('Authorization', `Bearer ${token}`);
const live = (t: UserpassApp, token: string) => request(t.app).get('/live').set('Authorization', `Bearer ${token}`);

describe.each(storeCases(db))('local-userpass password reset (%s)', (_name, makeStore) => {
  describe('mode email', () => {
    it('sets the new password and ends every existing session (refresh tokens dead, checked access refused)', async () => {
      const t = userpassApp(makeStore());
      const old = strongPassword();
      const laptop = await signedIn(t, 'reset@example.com', old);
      const phone = (await login(t, 'reset@example.com', old)).body;

      expect((await post(t, '/reset/send', { email: 'reset@example.com' })).status).toBe(204);
      const mail = t.mailbox.lastReset('reset@example.com');
      expect(new URL(mail.url).searchParams.get('token')).toBe(mail.token);
      const fresh = strongPassword();
      expect((await post(t, '/reset', { token: mail.token, tokenId: mail.tokenId, password: fresh })).status).toBe(204);

      for (const session of [laptop, phone]) {
        expect((await refresh(t, session.refresh_token)).status).toBe(401);
        expect((await live(t, session.access_token)).status).toBe(401);
      }
      expect((await login(t, 'reset@example.com', old)).body.error_code).toBe('InvalidPassword');
      const again = await login(t, 'reset@example.com', fresh);
      expect(again.status).toBe(200);
      expect(again.body.user_id).toBe(laptop.user_id);
    });

    it('answers 204 for an unknown address and mails nothing', async () => {
      const t = userpassApp(makeStore());
      const res = await post(t, '/reset/send', { email: 'ghost@example.com' });
      expect(res.status).toBe(204);
      expect(t.mailbox.resets).toEqual([]);
    });

    it('uses a token once, and of two concurrent resets with it at most one succeeds', async () => {
      const t = userpassApp(makeStore());
      await registerConfirmed(t, 'race@example.com', strongPassword());
      await post(t, '/reset/send', { email: 'race@example.com' });
      const { token, tokenId } = t.mailbox.lastReset('race@example.com');
      const [a, b] = [strongPassword(), strongPassword()];
      const results = await Promise.all([post(t, '/reset', { token, tokenId, password: a }), post(t, '/reset', { token, tokenId, password: b })]);
      expect(results.map((r) => r.status).sort()).toEqual([204, 400]);
      const won = results[0]!.status === 204 ? a : b;
      expect((await login(t, 'race@example.com', won)).status).toBe(200);
      expect((await post(t, '/reset', { token, tokenId, password: strongPassword() })).body.error_code).toBe('UserpassTokenInvalid');
    });

    it('refuses a token after 30 minutes', async () => {
      const clock = new TestClock();
      const t = userpassApp(makeStore(), {}, clock);
      const password = strongPassword();
      await registerConfirmed(t, 'slow@example.com', password);
      await post(t, '/reset/send', { email: 'slow@example.com' });
      const { token, tokenId } = t.mailbox.lastReset('slow@example.com');
      clock.advance(30 * 60 + 1);
      expect((await post(t, '/reset', { token, tokenId, password: strongPassword() })).status).toBe(400);
      expect((await login(t, 'slow@example.com', password)).status).toBe(200);
    });

    it('keeps the token usable when the new password is refused', async () => {
      const t = userpassApp(makeStore());
      await registerConfirmed(t, 'margarethe@example.com', strongPassword());
      await post(t, '/reset/send', { email: 'margarethe@example.com' });
      const { token, tokenId } = t.mailbox.lastReset('margarethe@example.com');
      expect((await post(t, '/reset', { token, tokenId, password: 'Margarethe2024' })).body.error_code).toBe('PasswordTooWeak');
      expect((await post(t, '/reset', { token, tokenId, password: 'qwertyuiop' })).body.error_code).toBe('PasswordTooWeak');
      expect((await post(t, '/reset', { token, tokenId, password: strongPassword() })).status).toBe(204);
    });

    it('confirms a pending account: the mailbox owner takes back an address someone else registered', async () => {
      const t = userpassApp(makeStore());
      const squatter = strongPassword();
      await register(t, 'victim@example.com', squatter);
      await register(t, 'victim@example.com', strongPassword()); // the owner, told the address is taken
      expect(t.mailbox.existing).toEqual(['victim@example.com']);
      await post(t, '/reset/send', { email: 'victim@example.com' });
      const owner = strongPassword();
      expect((await post(t, '/reset', { ...pick(t.mailbox.lastReset('victim@example.com')), password: owner })).status).toBe(204);
      expect((await login(t, 'victim@example.com', squatter)).body.error_code).toBe('InvalidPassword');
      expect((await login(t, 'victim@example.com', owner)).status).toBe(200);
      // The squatter's confirmation link died with the reset.
      expect((await post(t, '/confirm', pick(t.mailbox.lastConfirmation('victim@example.com')))).status).toBe(400);
    });

    it('refuses reset/call in email mode with 400', async () => {
      const t = userpassApp(makeStore());
      const res = await post(t, '/reset/call', { email: 'x@example.com', password: strongPassword(), arguments: [] });
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('BadRequest');
    });
  });

  describe('mode function', () => {
    const withFunction = (decide: () => HostFunctionResult) => {
      const calls: { request: Parameters<ResetFunction>[0]; args: unknown[] }[] = [];
      const run: ResetFunction = (request, ...args) => (calls.push({ request, args }), decide());
      const t = userpassApp(makeStore(), { confirmation: { mode: 'auto' }, reset: { mode: 'function', run } });
      return { calls, t };
    };

    it('sets the password at once on success, passing the arguments, and ends the sessions', async () => {
      const { calls, t } = withFunction(() => 'success');
      const old = strongPassword();
      await register(t, 'fn@example.com', old);
      const session = (await login(t, 'fn@example.com', old)).body;
      const fresh = strongPassword();
      const res = await post(t, '/reset/call', { email: 'FN@example.com', password: fresh, arguments: ['sms', { code: 1234 }] });
      expect(res.status).toBe(204);
      expect(calls).toEqual([
        {
          request: {
            email: 'fn@example.com',
            username: 'fn@example.com',
            password: fresh,
            token: expect.any(String),
            tokenId: expect.any(String),
            currentPasswordValid: false,
          },
          args: ['sms', { code: 1234 }],
        },
      ]);
      expect((await refresh(t, session.refresh_token)).status).toBe(401);
      expect((await login(t, 'fn@example.com', fresh)).status).toBe(200);
    });

    it('tells the function whether the password given is the current one', async () => {
      const { calls, t } = withFunction(() => 'fail');
      const current = strongPassword();
      await register(t, 'same@example.com', current);
      await post(t, '/reset/call', { email: 'same@example.com', password: current, arguments: [] });
      expect(calls[0]!.request.currentPasswordValid).toBe(true);
    });

    it('on pending, waits for /reset with the token the function was given', async () => {
      const { calls, t } = withFunction(() => ({ status: 'pending' }));
      const old = strongPassword();
      await register(t, 'pending@example.com', old);
      expect((await post(t, '/reset/call', { email: 'pending@example.com', password: strongPassword() })).status).toBe(204);
      expect((await login(t, 'pending@example.com', old)).status).toBe(200);
      const { token, tokenId } = calls[0]!.request;
      const fresh = strongPassword();
      expect((await post(t, '/reset', { token, tokenId, password: fresh })).status).toBe(204);
      expect((await login(t, 'pending@example.com', fresh)).status).toBe(200);
    });

    it('on fail, answers 400 and changes nothing; the token it was given is void', async () => {
      const { calls, t } = withFunction(() => 'fail');
      const old = strongPassword();
      await register(t, 'refused@example.com', old);
      const res = await post(t, '/reset/call', { email: 'refused@example.com', password: strongPassword() });
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('BadRequest');
      expect((await login(t, 'refused@example.com', old)).status).toBe(200);
      expect((await post(t, '/reset', { ...pick(calls[0]!.request), password: strongPassword() })).status).toBe(400);
    });

    it('answers 404 UserNotFound for an unknown address, and checks the new password', async () => {
      const { calls, t } = withFunction(() => 'success');
      expect((await post(t, '/reset/call', { email: 'ghost@example.com', password: strongPassword() })).body.error_code).toBe('UserNotFound');
      await register(t, 'weak@example.com', strongPassword());
      expect((await post(t, '/reset/call', { email: 'weak@example.com', password: 'password1' })).body.error_code).toBe('PasswordTooWeak');
      expect(calls).toEqual([]);
    });

    it('refuses reset/send in function mode with 400', async () => {
      const { t } = withFunction(() => 'success');
      expect((await post(t, '/reset/send', { email: 'x@example.com' })).body.error_code).toBe('BadRequest');
    });
  });

  it('answers 400 on every reset route when reset is not configured', async () => {
    const t = userpassApp(makeStore(), { reset: undefined });
    for (const [path, body] of [
      ['/reset/send', { email: 'x@example.com' }],
      ['/reset', { token: 'x', tokenId: 'y', password: strongPassword() }],
      ['/reset/call', { email: 'x@example.com', password: strongPassword() }],
    ] as const) {
      const res = await post(t, path, body);
      expect(res.status, path).toBe(400);
      expect(res.body.error_code).toBe('BadRequest');
    }
  });
});

const pick = ({ token, tokenId }: { token: string; tokenId: string }) => ({ token, tokenId });
