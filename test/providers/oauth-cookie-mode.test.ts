import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from '../support/oauth/browser.js';
import { OidcProvider } from '../support/oauth/oidc-provider.js';
import { DONE, startLogin, startOAuthApp, webLogin, type OAuthApp } from '../support/oauth/oauth-app.js';
import { storeCases } from '../support/stores.js';

describe.each(storeCases('oauth_cookies'))('an OAuth web login in cookie mode, on $name', ({ make }) => {
  let google: OidcProvider;
  let t: OAuthApp;
  beforeAll(async () => {
    google = await OidcProvider.start();
  });
  afterAll(() => google.stop());
  afterEach(() => t?.close());

  const profileIn = (browser: Browser) =>
    request(t.app).get('/auth/profile').set('Cookie', browser.cookieHeader(new URL(`${t.base}/auth/profile`)));

  it('sets the session cookies on the redirect that ends the login: the landing carries no code and no token', async () => {
    google.user = { sub: 'g-7', email: 'grace@example.com', email_verified: true, name: 'Grace Hopper' };
    t = await startOAuthApp(make(), { google }, { cookies: true });
    const browser = new Browser();
    const landed = await webLogin(t, browser, 'oauth2-google');
    expect(landed.origin + landed.pathname).toBe(DONE);
    expect([...landed.searchParams.keys()]).toEqual([]);
    const me = await profileIn(browser);
    expect(me.status).toBe(200);
    expect(me.body.identities).toEqual([expect.objectContaining({ id: 'g-7', provider_type: 'oauth2-google' })]);
  });

  it('links through the web flow with the access cookie, from this site’s own page', async () => {
    google.user = { sub: 'g-8', email: 'ada@example.com', email_verified: true };
    t = await startOAuthApp(make(), { google }, { cookies: true });
    const browser = new Browser();
    const anon = await browser.request(`${t.base}/auth/providers/anon-user/login`, { method: 'POST', headers: { 'sec-fetch-site': 'same-origin' } });
    expect(anon.status).toBe(200);
    const before = (await profileIn(browser)).body;
    const landed = await webLogin(t, browser, 'oauth2-google', `redirect=${encodeURIComponent(DONE)}&link=true`, { 'sec-fetch-site': 'same-origin' });
    expect(landed.searchParams.get('error'), landed.href).toBeNull();
    const after = (await profileIn(browser)).body;
    expect(after.user_id).toBe(before.user_id);
    expect(after.identities.map((i: { provider_type: string }) => i.provider_type).sort()).toEqual(['anon-user', 'oauth2-google']);
  });

  it('refuses a link started from another site (it would link whatever account the browser holds there)', async () => {
    google.user = { sub: 'g-9' };
    t = await startOAuthApp(make(), { google }, { cookies: true });
    const browser = new Browser();
    await browser.request(`${t.base}/auth/providers/anon-user/login`, { method: 'POST', headers: { 'sec-fetch-site': 'same-origin' } });
    const res = await startLogin(t, browser, 'oauth2-google', `redirect=${encodeURIComponent(DONE)}&link=true`, { 'sec-fetch-site': 'cross-site' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error_code: string }).error_code).toBe('Forbidden');
  });
});
