import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bearer, profileOf } from '../support/all-providers.js';
import { Browser } from '../support/oauth/browser.js';
import { OidcProvider } from '../support/oauth/oidc-provider.js';
import { DONE, GOOGLE_CLIENT, oauthProviders, refusalOf, startOAuthApp, tokensOf, webLogin, type OAuthApp } from '../support/oauth/oauth-app.js';
import { storeCases } from '../support/stores.js';

const LOGIN = '/auth/providers/oauth2-google/login';

describe.each(storeCases('oauth_google'))('oauth2-google on $name', ({ make }) => {
  let google: OidcProvider;
  let t: OAuthApp;
  beforeAll(async () => {
    google = await OidcProvider.start();
  });
  afterAll(() => google.stop());
  const setup = async () => {
    google.user = { sub: 'g-100', email: 'Ada@Example.com', email_verified: true, name: 'Ada Lovelace', given_name: 'Ada', picture: 'https://img.test/ada.png' };
    t = await startOAuthApp(make(), { google });
    return t;
  };
  afterEach(() => t?.close());

  describe('web flow', () => {
    it('redirects to Google with state, PKCE S256, nonce and the exact callback', async () => {
      await setup();
      const res = await request(t.app).get(`${LOGIN}?redirect=${encodeURIComponent(DONE)}`);
      expect(res.status).toBe(302);
      const to = new URL(res.headers['location']!);
      expect(to.origin + to.pathname).toBe(google.authorizeUrl);
      const q = Object.fromEntries(to.searchParams);
      expect(q).toMatchObject({
        response_type: 'code',
        client_id: GOOGLE_CLIENT,
        redirect_uri: `${t.base}/auth/providers/oauth2-google/callback`,
        scope: 'openid email profile',
        code_challenge_method: 'S256',
      });
      expect(q['state']).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(q['nonce']).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(q['code_challenge']).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toMatch(/^eap-oauth-oauth2-google=[^;]+; Path=\/auth\/providers\/oauth2-google\/callback; Max-Age=600; HttpOnly; Secure; SameSite=Lax$/);
      // The state travels encrypted: the cookie shows neither the state nor the nonce.
      expect(cookie).not.toContain(q['state']);
      expect(cookie).not.toContain(q['nonce']);
    });

    it('logs in through the whole dance: the code exchanges once for tokens, the profile has the mapped metadata', async () => {
      await setup();
      const landed = await webLogin(t, new Browser(), 'oauth2-google');
      const tokens = await tokensOf(t, landed);
      expect(tokens.refresh_token).toBeDefined();
      const profile = await profileOf(t, tokens.access_token);
      expect(profile.identities).toEqual([expect.objectContaining({ id: 'g-100', provider_type: 'oauth2-google' })]);
      expect(profile.data).toEqual({ email: 'Ada@Example.com', name: 'Ada Lovelace', first_name: 'Ada', avatar: 'https://img.test/ada.png' });
      const user = await t.auth.users.get(tokens.user_id);
      expect(user!.identities[0]!.email).toEqual({ address: 'ada@example.com', verified: true });
    });

    it('finds the same user on a second login, with the data Google sends now', async () => {
      await setup();
      const first = await tokensOf(t, await webLogin(t, new Browser(), 'oauth2-google'));
      google.user = { ...google.user, name: 'Ada King' };
      const second = await tokensOf(t, await webLogin(t, new Browser(), 'oauth2-google'));
      expect(second.user_id).toBe(first.user_id);
      expect((await profileOf(t, second.access_token)).data['name']).toBe('Ada King');
      expect((await t.auth.users.list()).users).toHaveLength(1);
    });

    it('answers the callback with no-referrer and no-store, and clears the state cookie', async () => {
      await setup();
      const browser = new Browser();
      await webLogin(t, browser, 'oauth2-google');
      const callback = browser.hops.find((h) => h.url.includes('/callback'))!;
      expect(callback.status).toBe(302);
      expect(browser.cookie('eap-oauth-oauth2-google')).toBeUndefined();
      const direct = await request(t.app).get('/auth/providers/oauth2-google/callback?code=x&state=y');
      expect(direct.headers['referrer-policy']).toBe('no-referrer');
      expect(direct.headers['cache-control']).toBe('no-store');
    });

    it('ends a login whose token endpoint does not answer within timeoutMs with 503 ServiceUnavailable, and no user', async () => {
      // A token endpoint that accepts the connection and never answers.
      const silent = createServer(() => {});
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      try {
        const tokenUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/token`;
        t = await startOAuthApp(make(), {}, (base) => ({
          providers: { 'oauth2-google': { ...oauthProviders(base, { google })['oauth2-google']!, tokenUrl, timeoutMs: 300 } },
        }));
        expect(refusalOf(await webLogin(t, new Browser(), 'oauth2-google'))).toEqual({
          error: 'the service is temporarily unavailable',
          error_code: 'ServiceUnavailable',
        });
        expect((await t.auth.users.list()).users).toEqual([]);
      } finally {
        silent.closeAllConnections();
        silent.close();
      }
    });

    it('keeps the target’s own query and sends the browser to the redirect URI it named', async () => {
      await setup();
      const landed = await webLogin(t, new Browser(), 'oauth2-google', `redirect=${encodeURIComponent('https://app.test/other?tab=2')}`);
      expect(landed.pathname).toBe('/other');
      expect(landed.searchParams.get('tab')).toBe('2');
      expect(landed.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });
  });

  describe('native logins', () => {
    it('logs in with { id_token } verified against Google’s keys', async () => {
      await setup();
      const id_token = await google.idToken({ aud: GOOGLE_CLIENT });
      const res = await request(t.app).post(LOGIN).send({ id_token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect((await profileOf(t, res.body.access_token)).identities[0]!.id).toBe('g-100');
    });

    it('logs in with { authCode } exchanged server-side', async () => {
      await setup();
      const authorize = await fetch(`${google.authorizeUrl}?response_type=code&redirect_uri=${encodeURIComponent('https://app.test/native')}&client_id=${GOOGLE_CLIENT}`, { redirect: 'manual' });
      const authCode = new URL(authorize.headers.get('location')!).searchParams.get('code');
      const res = await request(t.app).post(LOGIN).send({ authCode });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(google.tokenRequests.at(-1)).toMatchObject({ grant_type: 'authorization_code', code: authCode, client_id: GOOGLE_CLIENT, client_secret: 'google-secret' });
    });

    it('refuses an ID token issued to another client, and a body with neither or both fields', async () => {
      await setup();
      const foreign = await google.idToken({ aud: 'someone-else.apps.test' });
      const res = await request(t.app).post(LOGIN).send({ id_token: foreign });
      expect(res.body).toEqual({ error: 'invalid ID token: wrong audience', error_code: 'AuthError' });
      for (const body of [{}, { id_token: 'a.b.c', authCode: 'x' }, { id_token: { $ne: null } }]) {
        expect((await request(t.app).post(LOGIN).send(body)).status).toBe(400);
      }
      expect((await t.auth.users.list()).users).toEqual([]);
    });

    it('links Google to the signed-in user through /link/providers', async () => {
      await setup();
      const anon = (await request(t.app).post('/auth/providers/anon-user/login').send({})).body;
      const id_token = await google.idToken({ aud: GOOGLE_CLIENT });
      const res = await request(t.app).post('/auth/link/providers/oauth2-google/login').set(bearer(anon.access_token)).send({ id_token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.user_id).toBe(anon.user_id);
      expect(res.body.identities.map((i: { provider_type: string }) => i.provider_type).sort()).toEqual(['anon-user', 'oauth2-google']);
    });
  });
});
