/** The App Services router's own behaviour: location, app ids, options, bodies, and what it leaves alone. */
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { fromCanonicalEjson } from '../../src/util/ejson.js';
import { createAuth, MemoryStore } from '../../src/index.js';
import { createTestApp, MemoryLogger, testSigningKey } from '../support/app.js';

const APP_ID = 'blog-abcde';

function compatApp(options: { hostname?: string } = {}) {
  const t = createTestApp({ store: new MemoryStore(), providers: { 'anon-user': {}, 'custom-function': { authenticate: () => 'x' } } });
  t.app.use(t.auth.appServicesRouter({ appId: APP_ID, ...options }));
  t.app.get('/host-route', (_req, res) => void res.json({ host: true }));
  return t;
}

describe('GET /api/client/v2.0/app/:appId/location', () => {
  it('answers the configured public origin as hostname, with ws_hostname beside it', async () => {
    const res = await request(compatApp({ hostname: 'https://api.example.com' }).app).get(`/api/client/v2.0/app/${APP_ID}/location`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      deployment_model: 'GLOBAL',
      location: 'US-VA',
      hostname: 'https://api.example.com',
      ws_hostname: 'wss://api.example.com',
    });
  });

  describe('when no hostname is configured (development)', () => {
    it('answers the origin the request came to, not cached', async () => {
      const res = await request(compatApp().app).get(`/api/client/v2.0/app/${APP_ID}/location`).set('Host', 'localhost:4000');
      expect(res.body).toMatchObject({ hostname: 'http://localhost:4000', ws_hostname: 'ws://localhost:4000' });
      expect(res.headers['cache-control']).toBe('no-store');
    });
  });

  it('answers another app id with 404 NotFound', async () => {
    const res = await request(compatApp().app).get('/api/client/v2.0/app/another-app/location');
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe('NotFound');
  });
});

describe('mounted at the host’s root', () => {
  it('leaves the host’s other paths to the host', async () => {
    const t = compatApp();
    expect((await request(t.app).get('/host-route')).body).toEqual({ host: true });
    expect((await request(t.app).get('/nowhere')).text).not.toContain('error_code');
  });

  it('answers unknown client API paths with 404 NotFound, including native-only ones', async () => {
    const t = compatApp();
    for (const path of ['/api/client/v2.0/auth/providers', '/api/client/v2.0/nothing', `/api/client/v2.0/app/${APP_ID}/auth/session`]) {
      const res = await request(t.app).get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.error_code, path).toBe('NotFound');
    }
  });
});

describe('request bodies', () => {
  const login = (t: ReturnType<typeof compatApp>, body: unknown) =>
    request(t.app).post(`/api/client/v2.0/app/${APP_ID}/auth/providers/custom-function/login`).send(body as object);

  it('refuses a body that is not JSON with 400, never 500', async () => {
    const res = await request(compatApp().app)
      .post(`/api/client/v2.0/app/${APP_ID}/auth/providers/anon-user/login`)
      .set('Content-Type', 'application/json')
      .send('{"options":');
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('InvalidParameter');
  });

  it('refuses a device description that cannot be stored with 400 InvalidParameter', async () => {
    const res = await login(compatApp(), { options: { device: { $where: 'x' } } });
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('InvalidParameter');
  });

  it('stores the device description with its Extended JSON device id as a plain string', async () => {
    const t = compatApp();
    const res = await login(t, { options: { device: { deviceId: { $oid: '65a1b2c3d4e5f60718293a4b' }, platform: 'node' } } });
    expect(res.status).toBe(200);
    const [session] = await t.auth.store.listSessions(res.body.user_id, t.clock.now());
    expect(session?.device).toEqual({ deviceId: '65a1b2c3d4e5f60718293a4b', platform: 'node' });
    expect(session?.client).toBe('app-services');
  });
});

describe('fromCanonicalEjson', () => {
  it('decodes the types SDK bodies carry into plain JSON', () => {
    expect(
      fromCanonicalEjson({
        id: { $oid: '65A1B2C3D4E5F60718293A4B' },
        int: { $numberInt: '3' },
        double: { $numberDouble: '0.5' },
        long: { $numberLong: '42' },
        huge: { $numberLong: '9223372036854775807' },
        decimal: { $numberDecimal: '1.10' },
        at: { $date: { $numberLong: '0' } },
        list: [{ $numberInt: '1' }, 'two'],
      }),
    ).toEqual({
      id: '65a1b2c3d4e5f60718293a4b',
      int: 3,
      double: 0.5,
      long: 42,
      huge: '9223372036854775807',
      decimal: '1.10',
      at: '1970-01-01T00:00:00.000Z',
      list: [1, 'two'],
    });
  });

  it('leaves other $ documents, and values that are not what their type says, as they are', () => {
    const odd = { a: { $ne: null }, b: { $numberDouble: 'Infinity' }, c: { $oid: 'short' }, d: { $numberInt: '1', extra: 1 } };
    expect(fromCanonicalEjson(odd)).toEqual(odd);
  });
});

describe('appServicesRouter options', () => {
  const auth = (environment: 'production' | 'development') =>
    createAuth({
      store: new MemoryStore(),
      environment,
      logger: new MemoryLogger(),
      tokens: { signingKeys: [testSigningKey()], issuer: 'https://app.test', audience: 'app' },
      providers: { 'anon-user': {} },
    });

  it('names a missing or malformed appId', () => {
    expect(() => auth('development').appServicesRouter({} as never)).toThrow(/options\.appId/);
    expect(() => auth('development').appServicesRouter({ appId: 'has space' })).toThrow(/options\.appId/);
    expect(() => auth('development').appServicesRouter(undefined as never)).toThrow(TypeError);
  });

  it('names a hostname that is not an origin', () => {
    expect(() => auth('development').appServicesRouter({ appId: APP_ID, hostname: 'https://api.example.com/base' })).toThrow(
      /options\.hostname/,
    );
    expect(() => auth('development').appServicesRouter({ appId: APP_ID, hostname: 'api.example.com' })).toThrow(/options\.hostname/);
  });

  it('names redirectUris that are not a list of page URLs', () => {
    const router = (redirectUris: unknown) => () => auth('development').appServicesRouter({ appId: APP_ID, redirectUris: redirectUris as string[] });
    expect(router('https://app.test/done')).toThrow(/options\.redirectUris must be an array/);
    expect(router(['/done'])).toThrow(/options\.redirectUris\.0/);
    expect(router(['https://app.test/done', 'javascript:alert(1)'])).toThrow(/options\.redirectUris\.1/);
    expect(router(['https://app.test/done#x'])).toThrow(/no fragment/);
    expect(router(['http://localhost:3000/done'])).not.toThrow();
  });

  describe('when in production', () => {
    it('requires https redirectUris', () => {
      expect(() =>
        auth('production').appServicesRouter({ appId: APP_ID, hostname: 'https://api.example.com', redirectUris: ['http://app.test/done'] }),
      ).toThrow(/options\.redirectUris\.0 must use https/);
    });

    it('requires an https hostname', () => {
      expect(() => auth('production').appServicesRouter({ appId: APP_ID })).toThrow(/options\.hostname is required/);
      expect(() => auth('production').appServicesRouter({ appId: APP_ID, hostname: 'http://api.example.com' })).toThrow(/https/);
      expect(() => auth('production').appServicesRouter({ appId: APP_ID, hostname: 'https://api.example.com' })).not.toThrow();
    });
  });

  it('mounts on a plain Express app', async () => {
    const app = express();
    app.use(auth('development').appServicesRouter({ appId: APP_ID, hostname: 'https://api.example.com' }));
    expect((await request(app).get(`/api/client/v2.0/app/${APP_ID}/location`)).status).toBe(200);
  });
});
