import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../src/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { storeCases } from '../support/stores.js';

/** `new AuthError('Nope')` as plain JavaScript writes it: no code TypeScript would accept. */
const misused = (...args: unknown[]) => new (AuthError as unknown as new (...a: unknown[]) => AuthError)(...args);

let thrown: () => unknown = () => undefined;

function appWithThrowingHostCode(make: () => TestApp['auth']['store']): TestApp {
  const t = createTestApp({
    store: make(),
    providers: {
      'anon-user': {},
      'custom-function': {
        authenticate: () => {
          throw thrown();
        },
      },
    },
  });
  const guarded = express.Router();
  guarded.get(
    '/guarded',
    t.auth.requireUser({
      predicate: () => {
        throw thrown();
      },
    }),
    (_req, res) => void res.json({ ok: true }),
  );
  t.app.use(guarded);
  return t;
}

async function anonAccess(t: TestApp): Promise<string> {
  const res = await request(t.app).post('/auth/providers/anon-user/login').send({});
  expect(res.status).toBe(200);
  return res.body.access_token as string;
}

const expectInternalError = (res: request.Response) => {
  expect(res.status).toBe(500);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body).toEqual({ error: 'internal server error', error_code: 'InternalServerError', request_id: expect.any(String) });
};

describe('AuthError', () => {
  it('turns an unknown code into a 500 InternalServerError that reports the misuse privately', () => {
    const err = misused('Nope');
    expect(err).toMatchObject({ code: 'InternalServerError', status: 500, expose: false });
    expect(err.detail).toContain('"Nope"');
    expect(err.toJSON()).toEqual({ error: 'internal server error', error_code: 'InternalServerError' });
  });

  it('turns a status outside 400–599 into a 500', () => {
    expect(new AuthError('Forbidden', 'no', { status: 200 })).toMatchObject({ code: 'InternalServerError', status: 500 });
    expect(new AuthError('Forbidden', 'no', { status: Number.NaN })).toMatchObject({ status: 500 });
  });

  it('drops response headers that could not be sent', () => {
    const err = new AuthError('TooManyRequests', 'slow down', { headers: { 'Retry-After': '5', 'Bad Name': 'x', 'X-Ok': 'a\nb' } });
    expect(err.headers).toEqual({ 'Retry-After': '5' });
  });

  it('never sends the message of a 5xx to the client', () => {
    expect(new AuthError('InternalServerError', 'db password is hunter2').toJSON()).toEqual({
      error: 'internal server error',
      error_code: 'InternalServerError',
    });
  });
});

describe.each(storeCases('error_safety'))('errors thrown by host code, on $name', (store) => {
  describe('when a requireUser predicate throws an AuthError without a code', () => {
    it('answers a JSON 500, logs the misuse, and the server keeps serving', async () => {
      const t = appWithThrowingHostCode(store.make);
      thrown = () => misused('Nope');
      const access = await anonAccess(t);
      for (let i = 0; i < 3; i++) expectInternalError(await request(t.app).get('/guarded').set('Authorization', `Bearer ${access}`));
      expect(t.logger.text()).toContain('AuthError misused');
      expect((await request(t.app).get('/posts').set('Authorization', `Bearer ${access}`)).status).toBe(200);
    });
  });

  describe('when a requireUser predicate throws something that is not an Error', () => {
    it.each([
      ['null', () => null],
      ['an object without a prototype', () => Object.create(null)],
      ['a string', () => 'nope'],
    ])('answers a JSON 500 for %s', async (_what, value) => {
      const t = appWithThrowingHostCode(store.make);
      thrown = value;
      expectInternalError(await request(t.app).get('/guarded').set('Authorization', `Bearer ${await anonAccess(t)}`));
    });
  });

  describe('when a custom-function throws an AuthError without a code', () => {
    it('answers a JSON 500 without a stack trace, and creates no user', async () => {
      const t = appWithThrowingHostCode(store.make);
      thrown = () => misused('Nope');
      const res = await request(t.app).post('/auth/providers/custom-function/login').send({ pin: '1234' });
      expectInternalError(res);
      expect(res.text).not.toContain('at ');
      expect(await t.auth.users.list({ limit: 10 })).toMatchObject({ users: [] });
    });
  });

  describe('when a custom-function throws a 5xx AuthError with a private message', () => {
    it.each([
      ['InternalServerError', 500, 'internal server error'],
      ['ServiceUnavailable', 503, 'the service is temporarily unavailable'],
    ] as const)('answers %s with the generic message and logs the private one', async (code, status, generic) => {
      const t = appWithThrowingHostCode(store.make);
      thrown = () => new AuthError(code, 'secret: postgres://admin:hunter2@db');
      const res = await request(t.app).post('/auth/providers/custom-function/login').send({});
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ error: generic, error_code: code });
      expect(res.text).not.toContain('hunter2');
      expect(t.logger.text()).toContain('hunter2');
    });
  });
});
