import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { AuthError, MemoryStore, type CustomFunctionAuthenticate, type CustomFunctionContext } from '../../src/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { storeCases, type StoreCase } from '../support/stores.js';

const LOGIN = '/auth/providers/custom-function/login';

function appWith(store: StoreCase, authenticate: CustomFunctionAuthenticate, timeoutMs?: number): TestApp {
  return createTestApp({ store: store.make(), providers: { 'custom-function': { authenticate, ...(timeoutMs ? { timeoutMs } : {}) } } });
}

async function profile(t: TestApp, accessToken: string) {
  const res = await request(t.app).get('/auth/profile').set('Authorization', `Bearer ${accessToken}`);
  expect(res.status).toBe(200);
  return res.body;
}

const refusal = { error: 'custom function authentication failed', error_code: 'AuthError' };

describe.each(storeCases('custom_function'))('custom-function on $name', (store) => {
  describe('a login the function accepts', () => {
    it('makes a string id the identity id (not the user id): a new id creates a user, a known one logs it in', async () => {
      const t = appWith(store, (payload) => `emp-${String(payload['employeeId'])}`);
      const first = await request(t.app).post(LOGIN).send({ employeeId: 42 });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ token_type: 'Bearer', user_id: expect.any(String) });
      const me = await profile(t, first.body.access_token);
      expect(me.identities).toEqual([{ id: 'emp-42', provider_type: 'custom-function', provider_id: 'custom-function', data: {} }]);
      expect(me.user_id).not.toBe('emp-42');

      const again = await request(t.app).post(LOGIN).send({ employeeId: 42 });
      const other = await request(t.app).post(LOGIN).send({ employeeId: 7 });
      expect(again.body.user_id).toBe(first.body.user_id);
      expect(other.status).toBe(200);
      expect(other.body.user_id).not.toBe(first.body.user_id);
    });

    it('stores the name of an { id, name } answer on the identity and the user, and keeps it when a later answer has none', async () => {
      let name: string | undefined = 'Grace Hopper';
      const t = appWith(store, async () => ({ id: 'emp-1', name }));
      const res = await request(t.app).post(LOGIN).send({});
      expect(res.status).toBe(200);
      let me = await profile(t, res.body.access_token);
      expect(me.data).toEqual({ name: 'Grace Hopper' });
      expect(me.identities[0]).toMatchObject({ id: 'emp-1', data: { name: 'Grace Hopper' } });

      name = 'Rear Admiral Hopper';
      me = await profile(t, (await request(t.app).post(LOGIN).send({})).body.access_token);
      expect(me.data).toEqual({ name: 'Rear Admiral Hopper' });

      name = undefined;
      me = await profile(t, (await request(t.app).post(LOGIN).send({})).body.access_token);
      expect(me.data).toEqual({ name: 'Rear Admiral Hopper' });
      expect(me.identities[0].data).toEqual({ name: 'Rear Admiral Hopper' });
    });

    it('hands over the payload as sent, without the client login envelope, with the request and an abort signal', async () => {
      const calls: { payload: Record<string, unknown>; ctx: CustomFunctionContext }[] = [];
      const t = appWith(store, (payload, ctx) => {
        calls.push({ payload, ctx });
        return 'someone';
      });
      const payload = { user: 'ada', pin: '1234', nested: { options: 1 } };
      await request(t.app).post(LOGIN).set('X-Tenant', 'blue').send({ ...payload, options: { device: { platform: 'web' } } });
      await request(t.app).post(LOGIN).send({ options: { mine: true } });
      expect(calls[0]!.payload).toEqual(payload);
      expect(calls[0]!.ctx.headers['x-tenant']).toBe('blue');
      expect(calls[0]!.ctx.ip).toMatch(/127\.0\.0\.1/);
      expect(calls[0]!.ctx.signal).toBeInstanceOf(AbortSignal);
      expect(calls[0]!.ctx.signal.aborted).toBe(false);
      expect(calls[1]!.payload).toEqual({ options: { mine: true } });
    });
  });

  describe('a refusal', () => {
    it.each([
      ['null', () => null],
      ['undefined', () => undefined],
      ['a resolved null', async () => null],
    ])('answers 401 AuthError when the function returns %s, and creates no user', async (_label, fn) => {
      const t = appWith(store, fn);
      const res = await request(t.app).post(LOGIN).send({ user: 'x' });
      expect(res.status).toBe(401);
      expect(res.body).toEqual(refusal);
      expect(await t.auth.store.listUsers({ limit: 10 })).toEqual([]);
    });

    it('passes the message of a thrown AuthError to the client', async () => {
      const t = appWith(store, async () => {
        throw new AuthError('AuthError', 'employee 42 is suspended');
      });
      const res = await request(t.app).post(LOGIN).send({});
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'employee 42 is suspended', error_code: 'AuthError' });
    });

    it('hides any other exception (message and stack) from the client, and logs it', async () => {
      const t = appWith(store, () => {
        throw new Error('connect ECONNREFUSED ldap://10.0.0.5 as cn=admin');
      });
      const res = await request(t.app).post(LOGIN).send({ password: 'hunter2' });
      expect(res.status).toBe(401);
      expect(res.body).toEqual(refusal);
      expect(res.text).not.toMatch(/ECONNREFUSED|at |\.ts/);
      expect(t.logger.lines).toContainEqual(expect.objectContaining({ level: 'warn', meta: { error: expect.stringContaining('ECONNREFUSED') } }));
      expect(t.logger.text()).not.toContain('hunter2');
    });

    it.each([
      ['a number', 42],
      ['an empty string', ''],
      ['an object without id', { name: 'x' }],
      ['a non-string name', { id: 'a', name: 7 }],
      ['an id of 513 characters', 'x'.repeat(513)],
      ['an array', ['a']],
    ])('answers 401 and logs an error when the function returns %s', async (_label, value) => {
      const t = appWith(store, () => value as never);
      const res = await request(t.app).post(LOGIN).send({});
      expect(res.status).toBe(401);
      expect(res.body).toEqual(refusal);
      expect(t.logger.lines.map((l) => l.message)).toContain('express-auth-providers: custom-function authenticate returned an invalid value');
    });
  });

  describe('a function that never answers', () => {
    it('ends the login with 503 ServiceUnavailable at the time limit, and aborts the signal', async () => {
      let signal: AbortSignal | undefined;
      const t = appWith(
        store,
        (_payload, ctx) => {
          signal = ctx.signal;
          return new Promise<never>(() => {});
        },
        50,
      );
      const res = await request(t.app).post(LOGIN).send({});
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ error: 'the service is temporarily unavailable', error_code: 'ServiceUnavailable' });
      expect(signal?.aborted).toBe(true);
      expect(t.logger.lines).toContainEqual(expect.objectContaining({ level: 'error', meta: { timeoutMs: 50 } }));
      expect(await t.auth.store.listUsers({ limit: 10 })).toEqual([]);
    });
  });

  describe('the payload', () => {
    it('answers 413 BodyTooLarge for a 1 MB payload without calling the function', async () => {
      const fn = vi.fn(() => 'x');
      const t = appWith(store, fn);
      const res = await request(t.app).post(LOGIN).send({ blob: 'x'.repeat(1024 * 1024) });
      expect(res.status).toBe(413);
      expect(res.body.error_code).toBe('BodyTooLarge');
      expect(fn).not.toHaveBeenCalled();
    });

    it.each([
      ['an array', '[1,2]'],
      ['a string', '"employee-42"'],
      ['a number', '42'],
      ['null', 'null'],
      ['no body', undefined],
    ])('answers 400 InvalidParameter for %s without calling the function', async (_label, body) => {
      const fn = vi.fn(() => 'x');
      const t = appWith(store, fn);
      const req = request(t.app).post(LOGIN);
      const res = await (body === undefined ? req : req.set('Content-Type', 'application/json').send(body));
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('InvalidParameter');
      expect(fn).not.toHaveBeenCalled();
    });
  });
});

describe('custom-function start-up checks', () => {
  const start = (options: Record<string, unknown>) => () =>
    createTestApp({ store: new MemoryStore(), providers: { 'custom-function': options as never } });

  it.each([
    ['no authenticate function', {}, /custom-function\.authenticate/],
    ['an authenticate that is not a function', { authenticate: 'fn' }, /custom-function\.authenticate: must be a function/],
    ['a zero time limit', { authenticate: () => 'x', timeoutMs: 0 }, /custom-function\.timeoutMs/],
  ])('refuses %s with a TypeError naming the option', (_label, options, message) => {
    expect(start(options)).toThrow(TypeError);
    expect(start(options)).toThrow(message);
  });
});
