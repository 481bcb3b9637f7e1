import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { MemoryStore, StoreUnavailableError, type Store } from '../../src/index.js';
import { createTestApp } from '../support/app.js';
import { storeCases } from '../support/stores.js';

describe.each(storeCases('bad-input'))('bad input on $name', ({ make }) => {
  const { app, auth } = createTestApp({ store: make(), providers: { 'anon-user': {} } });
  const login = (body: string, type = 'application/json') =>
    request(app).post('/auth/providers/anon-user/login').set('Content-Type', type).send(body);

  it('answers a JSON body that is not an object with 400 InvalidParameter', async () => {
    for (const body of ['"just a string"', '42', 'null', 'true', '[1,2]', '{"unterminated": ']) {
      const res = await login(body);
      expect(res.status, body).toBe(400);
      expect(res.body.error_code, body).toBe('InvalidParameter');
    }
  });

  it('answers a 1 MB body with 413 BodyTooLarge, creating no user', async () => {
    const before = await auth.store.listUsers({ limit: 1000 });
    const res = await login(JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: 'the request body is too large', error_code: 'BodyTooLarge' });
    expect(await auth.store.listUsers({ limit: 1000 })).toHaveLength(before.length);
  });

  it('answers an object or an array where a string or object belongs with 400 naming the field', async () => {
    const res = await login(JSON.stringify({ options: { device: 'a string' } }));
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('InvalidParameter');
    expect(res.body.error).toContain('options.device');
    const arr = await login(JSON.stringify({ options: [] }));
    expect(arr.status).toBe(400);
  });

  it('keeps __proto__ keys from polluting anything', async () => {
    const res = await login('{"__proto__": {"isAdmin": true}, "constructor": {"prototype": {"isAdmin": true}}}');
    expect(res.status).toBe(200);
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
  });

  it('answers an unknown route under the router with a JSON 404', async () => {
    const res = await request(app).get('/auth/nothing/here');
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe('NotFound');
  });

  it('answers a provider that is not enabled with 404 ProviderNotEnabled', async () => {
    for (const provider of ['local-userpass', 'no-such-provider']) {
      const res = await request(app).post(`/auth/providers/${provider}/login`).send({});
      expect(res.status).toBe(404);
      expect(res.body.error_code).toBe('ProviderNotEnabled');
    }
  });

  it('lists the enabled providers', async () => {
    const res = await request(app).get('/auth/providers');
    expect(res.body).toEqual([{ name: 'anon-user', type: 'anon-user' }]);
  });
});

describe('failures that are not the client’s', () => {
  // A store whose chosen method fails, to see how the router answers.
  function failing(method: keyof Store, error: Error): Store {
    const store = new MemoryStore();
    return new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === method) return async () => Promise.reject(error);
        return Reflect.get(target, prop, receiver);
      },
    });
  }

  it('answers a bug with 500 InternalServerError and a request id, logging the stack but not sending it', async () => {
    const { app, logger } = createTestApp({
      store: failing('insertIdentity', new TypeError('boom at line 42')),
      providers: { 'anon-user': {} },
    });
    const res = await request(app).post('/auth/providers/anon-user/login').send({});
    expect(res.status).toBe(500);
    expect(res.body.error_code).toBe('InternalServerError');
    expect(res.body.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(res.body)).not.toContain('boom');
    const logged = logger.lines.find((l) => l.level === 'error');
    expect(logged?.meta?.['requestId']).toBe(res.body.request_id);
    expect(String(logged?.meta?.['error'])).toContain('boom at line 42');
  });

  it('fails closed with 503 ServiceUnavailable when the store is down: nobody is logged in', async () => {
    const { app } = createTestApp({
      store: failing('insertSession', new StoreUnavailableError('connection refused')),
      providers: { 'anon-user': {} },
    });
    const res = await request(app).post('/auth/providers/anon-user/login').send({});
    expect(res.status).toBe(503);
    expect(res.body.error_code).toBe('ServiceUnavailable');
    expect(res.body.access_token).toBeUndefined();
  });

  it('answers 503 from requireUser({ checkSession }) when the store is down, as JSON on a host route', async () => {
    const store = new MemoryStore();
    const { app } = createTestApp({ store, providers: { 'anon-user': {} } });
    const login = await request(app).post('/auth/providers/anon-user/login').send({});
    store.getSession = async () => {
      throw new StoreUnavailableError('down');
    };
    const res = await request(app).get('/live').set('Authorization', `Bearer ${login.body.access_token}`);
    expect(res.status).toBe(503);
    expect(res.body.error_code).toBe('ServiceUnavailable');
  });

  it('leaves errors of the host’s own routes to the host', async () => {
    const { auth } = createTestApp({ store: new MemoryStore(), providers: { 'anon-user': {} } });
    const app = express();
    app.use('/auth', auth.router);
    app.get('/host', () => {
      throw new Error('host error');
    });
    app.use(((_err, _req, res, _next) => void res.status(418).send('host handled')) as express.ErrorRequestHandler);
    expect((await request(app).get('/host')).status).toBe(418);
  });
});
