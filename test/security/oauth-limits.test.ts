import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/index.js';
import { FacebookGraph } from '../support/oauth/facebook-graph.js';
import { oauthProviders, DONE } from '../support/oauth/oauth-app.js';
import { createTestApp } from '../support/app.js';

describe('OAuth rate limits (per client address)', () => {
  let facebook: FacebookGraph;
  beforeAll(async () => {
    facebook = await FacebookGraph.start();
  });
  afterAll(() => facebook.stop());

  const app = () => {
    const providers = oauthProviders('http://127.0.0.1:1', { facebook });
    const options = providers!['oauth2-facebook']!;
    return createTestApp({
      store: new MemoryStore(),
      providers: {
        'oauth2-facebook': { ...options, rateLimit: { web: { perIp: { limit: 2, window: 60 } }, login: { failedPerIp: { limit: 2, window: 60 } } } },
      },
    }).app;
  };

  it('limits web logins started and callbacks received together, answering 429 with Retry-After', async () => {
    const a = app();
    expect((await request(a).get(`/auth/providers/oauth2-facebook/login?redirect=${DONE}`)).status).toBe(302);
    expect((await request(a).get('/auth/providers/oauth2-facebook/callback?code=x&state=y')).status).toBe(401);
    const limited = await request(a).get(`/auth/providers/oauth2-facebook/login?redirect=${DONE}`);
    expect([limited.status, limited.body.error_code]).toEqual([429, 'TooManyRequests']);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('limits failed native logins, whatever the spelling of the provider in the path', async () => {
    const a = app();
    for (const path of ['oauth2-facebook', 'oauth2%2Dfacebook']) {
      expect((await request(a).post(`/auth/providers/${path}/login`).send({ accessToken: 'EAAbad' })).status).toBe(401);
    }
    const limited = await request(a).post('/auth/providers/oauth2-facebook/login').send({ accessToken: facebook.tokenFor() });
    expect(limited.status).toBe(429);
  });
});
