import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from '../support/oauth/browser.js';
import { OidcProvider } from '../support/oauth/oidc-provider.js';
import { DONE, exchange, startOAuthApp, webLogin, type OAuthApp } from '../support/oauth/oauth-app.js';
import { storeCases } from '../support/stores.js';

describe.each(storeCases('oauth_cookies'))('an OAuth web login in cookie mode, on $name', ({ make }) => {
  let google: OidcProvider;
  let t: OAuthApp;
  beforeAll(async () => {
    google = await OidcProvider.start();
  });
  afterAll(() => google.stop());
  afterEach(() => t?.close());

  it('answers the code exchange with the session cookies and no token in the body', async () => {
    google.user = { sub: 'g-7', email: 'grace@example.com', email_verified: true, name: 'Grace Hopper' };
    t = await startOAuthApp(make(), { google }, { cookies: true });
    const landed = await webLogin(t, new Browser(), 'oauth2-google');
    expect(landed.origin + landed.pathname).toBe(DONE);
    const res = await exchange(t, landed.searchParams.get('code')).set('Sec-Fetch-Site', 'same-origin');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['device_id', 'expires_in', 'user_id']);
    const cookies = res.headers['set-cookie'] as unknown as string[];
    expect(cookies.some((c) => /auth-access=.+; .*HttpOnly/.test(c))).toBe(true);
    expect(cookies.some((c) => /auth-refresh=.+; .*HttpOnly/.test(c))).toBe(true);
    const access = /auth-access=([^;]+)/.exec(cookies.find((c) => c.includes('auth-access='))!)![0];
    const me = await request(t.app).get('/auth/profile').set('Cookie', access);
    expect(me.status).toBe(200);
    expect(me.body.user_id).toBe(res.body.user_id);
  });

  it('refuses an exchange posted from another site, as any login that would set cookies', async () => {
    google.user = { sub: 'g-8', email: 'mallory@example.com', email_verified: true };
    t = await startOAuthApp(make(), { google }, { cookies: true });
    const landed = await webLogin(t, new Browser(), 'oauth2-google');
    const res = await exchange(t, landed.searchParams.get('code')).set('Sec-Fetch-Site', 'cross-site').set('Origin', 'https://evil.example');
    expect(res.status).toBe(403);
    expect(res.body.error_code).toBe('Forbidden');
  });
});
