import express from 'express';
import { Strategy } from 'passport-strategy';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../src/errors.js';
import { authenticate } from '../../src/http/authenticate.js';
import { errorHandler } from '../../src/http/error-handler.js';
import { MemoryLogger } from '../support/app.js';

/** A strategy whose authenticate does `act` with the five Passport actions bound to `this`. */
type Actions = Record<'success' | 'fail' | 'redirect' | 'pass' | 'error', (...args: unknown[]) => void>;
function strategy(act: (self: Actions) => void): Strategy {
  const s = new Strategy();
  s.authenticate = function (this: Strategy) {
    act(this as never);
  };
  return s;
}

/** An app whose one route runs the strategy and answers what the outcome was. */
function appWith(s: Strategy) {
  const app = express();
  app.get('/run', async (req, res) => {
    const outcome = await authenticate(s, req, res);
    if (outcome.type === 'redirect') return;
    res.json(outcome);
  });
  app.use(errorHandler(new MemoryLogger()));
  return app;
}

describe('authenticate: the five outcomes of a Passport strategy', () => {
  it('success resolves with the identity', async () => {
    const res = await request(appWith(strategy((s) => s.success({ providerType: 'anon-user', id: 'a' })))).get('/run');
    expect(res.body).toEqual({ type: 'success', identity: { providerType: 'anon-user', id: 'a' } });
  });

  it('redirect ends the request with a 302 to the location', async () => {
    const res = await request(appWith(strategy((s) => s.redirect('https://idp.test/authorize?x=1')))).get('/run');
    expect(res.status).toBe(302);
    expect(res.headers['location']).toBe('https://idp.test/authorize?x=1');
  });

  it('pass settles without a decision instead of falling through to a 500', async () => {
    const res = await request(appWith(strategy((s) => s.pass()))).get('/run');
    expect([res.status, res.body]).toEqual([200, { type: 'pass' }]);
  });

  it('fail is a 401 AuthError with the strategy’s message, or its own AuthError', async () => {
    const failed = await request(appWith(strategy((s) => s.fail({ message: 'bad credentials' })))).get('/run');
    expect([failed.status, failed.body]).toEqual([401, { error: 'bad credentials', error_code: 'AuthError' }]);
    const own = await request(appWith(strategy((s) => s.fail(new AuthError('UserDisabled', 'user is disabled'))))).get('/run');
    expect([own.status, own.body.error_code]).toEqual([403, 'UserDisabled']);
  });

  it('error and a throw are errors; only the first action counts', async () => {
    const thrown = await request(appWith(strategy(() => { throw new AuthError('InvalidParameter', 'no'); }))).get('/run');
    expect([thrown.status, thrown.body.error_code]).toEqual([400, 'InvalidParameter']);
    const twice = await request(appWith(strategy((s) => { s.fail({ message: 'first' }); s.success({ id: 'x' }); }))).get('/run');
    expect([twice.status, twice.body.error]).toEqual([401, 'first']);
  });
});
