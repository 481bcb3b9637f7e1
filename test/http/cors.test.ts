/**
 * A front end on another origin, set up as docs/browser.md says: the `cors` package in front of the
 * router and the host's routes (credentials, allowed and exposed headers), its origin in
 * `trustedOrigins`, cookies with SameSite=None for a front end on another site.
 */
import cors from 'cors';
import express from 'express';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { CookieJar, setCookies } from '../support/cookies.js';
import { storeCases } from '../support/stores.js';

const FRONT_END = 'https://app.example';
const fromFrontEnd = { Origin: FRONT_END, 'Sec-Fetch-Site': 'cross-site' };
const fromElsewhere = { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' };

describe.each(storeCases('cors'))('a front end on another origin, with cors, on $name', ({ make }) => {
  let t: TestApp;
  let app: express.Express;
  beforeAll(() => {
    t = createTestApp({ store: make(), providers: { 'anon-user': {} }, cookies: { sameSite: 'none' }, trustedOrigins: [FRONT_END] });
    const allowFrontEnd = cors({
      origin: [FRONT_END],
      credentials: true,
      allowedHeaders: ['Content-Type', 'Authorization', 'Token-Delivery'],
      exposedHeaders: ['WWW-Authenticate', 'Retry-After'],
      maxAge: 600,
    });
    app = express();
    app.use('/auth', allowFrontEnd, t.auth.router);
    app.use('/api', allowFrontEnd);
    app.post('/api/notes', t.auth.requireUser(), (req, res) => void res.status(201).json({ by: req.user!.id }));
  });

  it('answers the preflight of the front end with its origin, credentials and the headers the client sends', async () => {
    const res = await request(app)
      .options('/auth/session')
      .set({ Origin: FRONT_END, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,token-delivery' });
    expect(res.status).toBe(204);
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': FRONT_END,
      'access-control-allow-credentials': 'true',
      'access-control-allow-headers': 'Content-Type,Authorization,Token-Delivery',
    });
    expect(res.headers['access-control-allow-methods']).toContain('DELETE');
  });

  it('gives no CORS grant to another origin', async () => {
    const res = await request(app).options('/auth/session').set({ Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('logs in, reaches a host route and refreshes by cookie from the front end, every answer readable by it', async () => {
    const login = await request(app).post('/auth/providers/anon-user/login').set(fromFrontEnd).send({});
    expect(login.status).toBe(200);
    expect(login.headers['access-control-allow-origin']).toBe(FRONT_END);
    expect(setCookies(login)['__Host-auth-access']!.attributes).toMatchObject({ samesite: 'None', secure: true });
    const jar = new CookieJar().take(login);

    const note = await request(app).post('/api/notes').set(fromFrontEnd).set('Cookie', jar.header('/api/notes')).send({});
    expect(note.status).toBe(201);
    expect(note.headers['access-control-allow-credentials']).toBe('true');
    expect(note.body.by).toBe(login.body.user_id);

    const refreshed = await request(app).post('/auth/session').set(fromFrontEnd).set('Cookie', jar.header('/auth/session'));
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers['access-control-allow-origin']).toBe(FRONT_END);
  });

  it('exposes WWW-Authenticate on a 401, so the front end’s client can read why', async () => {
    const res = await request(app).post('/api/notes').set(fromFrontEnd).send({});
    expect(res.status).toBe(401);
    expect(res.headers['access-control-expose-headers']).toBe('WWW-Authenticate,Retry-After');
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('refuses cookie-authenticated requests from an origin it does not trust, CORS or not', async () => {
    const login = await request(app).post('/auth/providers/anon-user/login').set(fromFrontEnd).send({});
    const jar = new CookieJar().take(login);
    const forged = await request(app).post('/api/notes').set(fromElsewhere).set('Cookie', jar.header('/api/notes')).send({});
    expect(forged.status).toBe(403);
    expect(forged.headers['access-control-allow-origin']).toBeUndefined();
    expect((await request(app).post('/auth/providers/anon-user/login').set(fromElsewhere).send({})).status).toBe(403);
  });

  it('serves a bearer-mode client on another origin, which asks for tokens in the body', async () => {
    const login = await request(app).post('/auth/providers/anon-user/login').set(fromFrontEnd).set('Token-Delivery', 'json').send({});
    expect(login.body.access_token).toEqual(expect.any(String));
    const note = await request(app).post('/api/notes').set(fromElsewhere).set('Authorization', `Bearer ${login.body.access_token}`).send({});
    expect(note.status).toBe(201);
  });
});
