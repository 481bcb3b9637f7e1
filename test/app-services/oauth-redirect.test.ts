/**
 * realm-web's OAuth redirect over HTTP: a web login started through the App Services routes
 * (`…/auth/providers/<oauth2-x>/login?redirect=…&state=…&device=…`) ends on the redirect page
 * with the session in the fragment's `_baas_*` parameters, as App Services ends it; a link is
 * started with the access token and `providerRedirectHeader=true`. The browser side, with
 * realm-web itself, is test/browser/realm-web-oauth-chromium.test.ts.
 */
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppleIdp } from '../support/oauth/apple-idp.js';
import { Browser } from '../support/oauth/browser.js';
import { OidcProvider } from '../support/oauth/oidc-provider.js';
import { DONE, GOOGLE_CLIENT, startOAuthApp, type OAuthApp } from '../support/oauth/oauth-app.js';
import { storeCases } from '../support/stores.js';
import { appServicesLanding } from '../../src/app-services/oauth-redirect.js';

const APP_ID = 'blog-oauth';
const CLIENT = '/api/client/v2.0';
const APP = `${CLIENT}/app/${APP_ID}`;
const SDK_STATE = 'qwertyuiopas'; // realm-web draws 12 lowercase letters
const DEVICE = { platform: 'chrome', platformVersion: '120.0.0', sdkVersion: '2.0.1', deviceId: '000000000000000000000000' };
const device = Buffer.from(JSON.stringify(DEVICE)).toString('base64');

const loginPath = (provider: string, query: Record<string, string>) =>
  `${APP}/auth/providers/${provider}/login?${new URLSearchParams({ redirect: DONE, state: SDK_STATE, ...query })}`;

/** The fragment of a landing page, decoded as realm-web decodes it (split on `&` and `=`, decodeURIComponent). */
function baas(landed: URL): Record<string, string> {
  expect(landed.origin + landed.pathname, landed.href).toBe(DONE);
  expect(landed.search, 'the outcome travels in the fragment only').toBe('');
  return Object.fromEntries(
    landed.hash
      .slice(1)
      .split('&')
      .map((kv) => kv.split('='))
      .map(([k, v]) => [k!, decodeURIComponent(v!)]),
  );
}

/** What realm-web's `decodeAuthInfo` makes of `_baas_ua`. */
function authInfo(ua: string | undefined) {
  const parts = (ua ?? '').split('$');
  expect(parts).toHaveLength(4);
  const [accessToken, refreshToken, userId, deviceId] = parts as [string, string, string, string];
  return { accessToken, refreshToken, userId, deviceId };
}

describe.each(storeCases('as_oauth_redirect'))('realm-web’s OAuth redirect on $name', ({ make }) => {
  let google: OidcProvider;
  let apple: AppleIdp;
  let t: OAuthApp;
  beforeAll(async () => {
    [google, apple] = await Promise.all([OidcProvider.start(), AppleIdp.start()]);
  });
  afterAll(() => Promise.all([google.stop(), apple.stop()]));
  const setup = async () => {
    google.user = { sub: 'g-7', email: 'grace@example.com', email_verified: true, name: 'Grace Hopper' };
    t = await startOAuthApp(make(), { google, apple });
    t.app.use(t.auth.appServicesRouter({ appId: APP_ID, redirectUris: [DONE] }));
    return t;
  };
  afterEach(async () => {
    expect(t.logger.lines.filter((l) => l.level === 'error')).toEqual([]);
    await t.close();
  });

  /** Opens the login URL in a browser window and follows it to the landing page. */
  async function openWindow(browser: Browser, url: string): Promise<URL> {
    return new URL((await browser.navigate(url)).url);
  }

  describe('a login', () => {
    it('lands on the redirect page with the session in _baas_ua, the SDK’s state and the app id', async () => {
      await setup();
      const browser = new Browser();
      const start = await browser.request(`${t.base}${loginPath('oauth2-google', { device })}`);
      expect(start.status).toBe(302);
      // The state sent to Google is this server's, not the SDK's.
      const atGoogle = new URL(start.headers.get('location')!);
      expect(atGoogle.origin + atGoogle.pathname).toBe(google.authorizeUrl);
      expect(atGoogle.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(atGoogle.searchParams.get('code_challenge_method')).toBe('S256');

      const fragment = baas(await openWindow(browser, atGoogle.href));
      expect(fragment).toMatchObject({ _baas_client_app_id: APP_ID, _baas_state: SDK_STATE });
      expect(fragment['_baas_error']).toBeUndefined();
      expect(fragment['_baas_link']).toBeUndefined();
      const session = authInfo(fragment['_baas_ua']);

      // The profile, through the App Services routes.
      const profile = await request(t.app).get(`${CLIENT}/auth/profile`).set('Authorization', `Bearer ${session.accessToken}`);
      expect(profile.status).toBe(200);
      expect(profile.body.user_id).toBe(session.userId);
      expect(profile.body.identities).toEqual([expect.objectContaining({ id: 'g-7', provider_type: 'oauth2-google' })]);
      // An App Services session: the refresh token does not rotate, and the device is kept.
      for (let i = 0; i < 2; i++) {
        const refreshed = await request(t.app).post(`${CLIENT}/auth/session`).set('Authorization', `Bearer ${session.refreshToken}`);
        expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
      }
      const stored = await t.store.getSession(session.deviceId, new Date());
      expect(stored).toMatchObject({ userId: session.userId, client: 'app-services', device: DEVICE });
    });

    it('starts without a device (other SDKs send none) and from a window opened by another site', async () => {
      await setup();
      const browser = new Browser();
      const start = await browser.request(`${t.base}${loginPath('oauth2-google', {})}`, { headers: { 'Sec-Fetch-Site': 'cross-site' } });
      expect(start.status).toBe(302);
      const fragment = baas(await openWindow(browser, start.headers.get('location')!));
      expect(authInfo(fragment['_baas_ua']).userId).toMatch(/^[0-9a-f]{24}$/);
    });

    it('lands Apple’s form_post callback the same way', async () => {
      await setup();
      const browser = new Browser();
      const start = await browser.request(`${t.base}${loginPath('oauth2-apple', { device })}`);
      expect(start.status).toBe(302);
      const page = await browser.request(start.headers.get('location')!, { crossSite: true });
      const { url } = await browser.submitForm(await page.text(), { crossSite: true });
      const fragment = baas(new URL(url!));
      expect(fragment['_baas_state']).toBe(SDK_STATE);
      const session = authInfo(fragment['_baas_ua']);
      const user = await t.auth.users.get(session.userId);
      expect(user!.identities.map((i) => i.providerType)).toEqual(['oauth2-apple']);
    });

    it('logs in with a native ID token posted to the same provider path (Credentials.google({ idToken }))', async () => {
      await setup();
      const id_token = await google.idToken({ aud: GOOGLE_CLIENT });
      const res = await request(t.app).post(`${APP}/auth/providers/oauth2-google/login`).send({ id_token, options: { device: DEVICE } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ user_id: expect.any(String), refresh_token: expect.any(String), device_id: expect.any(String) });
    });

    it('hands a refusal to the redirect page in _baas_error, with the SDK’s state, and creates no user', async () => {
      await setup();
      const browser = new Browser();
      const start = await browser.request(`${t.base}${loginPath('oauth2-google', {})}`);
      const atGoogle = await browser.request(start.headers.get('location')!, { crossSite: true });
      const callback = new URL(atGoogle.headers.get('location')!);
      callback.searchParams.delete('code');
      callback.searchParams.set('error', 'access_denied');
      const res = await browser.request(callback.href, { crossSite: true });
      expect(res.status).toBe(302);
      expect(baas(new URL(res.headers.get('location')!))).toEqual({
        _baas_client_app_id: APP_ID,
        _baas_error: 'the Google login was cancelled',
        _baas_state: SDK_STATE,
      });
      expect((await t.auth.users.list()).users).toEqual([]);
    });
  });

  describe('what a start is refused with, as JSON before anything else happens', () => {
    it('refuses a start without the SDK’s state, or with a malformed one', async () => {
      await setup();
      for (const state of [undefined, '', 'a b', 'x'.repeat(129)]) {
        const query = new URLSearchParams({ redirect: DONE, ...(state !== undefined && { state }) });
        const res = await request(t.app).get(`${APP}/auth/providers/oauth2-google/login?${query}`);
        expect(res.status, String(state)).toBe(400);
        expect(res.body.error_code).toBe('InvalidParameter');
        expect(res.headers['set-cookie']).toBeUndefined();
      }
    });

    it('refuses a redirect page that is not allowlisted: no tokens ever go to it', async () => {
      await setup();
      const res = await request(t.app).get(loginPath('oauth2-google', { redirect: 'https://evil.test/done' }));
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'redirect is not an allowed redirect URI', error_code: 'InvalidParameter' });
      expect(res.headers['set-cookie']).toBeUndefined();
    });

    it('refuses a page that is one of the provider’s redirect URIs but not one of the App Services routes’', async () => {
      await setup();
      // https://app.test/other is a native page of Google's allowlist: it would keep the tokens in its URL.
      const res = await request(t.app).get(loginPath('oauth2-google', { redirect: 'https://app.test/other' }));
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(/App Services routes' redirect URIs/);
      expect(res.headers['set-cookie']).toBeUndefined();
    });

    it('refuses every SDK redirect when the App Services routes list no redirect URIs', async () => {
      await setup();
      const bare = await startOAuthApp(make(), { google });
      bare.app.use(bare.auth.appServicesRouter({ appId: APP_ID }));
      try {
        const res = await request(bare.app).get(loginPath('oauth2-google', {}));
        expect(res.status).toBe(400);
        expect(res.body.error_code).toBe('InvalidParameter');
      } finally {
        await bare.close();
      }
    });

    it('refuses providerRedirectHeader without link=true, and a provider’s answer parameters on a start', async () => {
      await setup();
      const header = await request(t.app).get(loginPath('oauth2-google', { providerRedirectHeader: 'true' }));
      expect(header.status).toBe(400);
      expect(header.headers['x-baas-location']).toBeUndefined();
      for (const name of ['code', 'error', 'error_code', 'error_message']) {
        for (const path of [loginPath('oauth2-google', { [name]: '1' }), `/auth/providers/oauth2-google/login?redirect=${DONE}&${name}=1`]) {
          const res = await request(t.app).get(path);
          expect(res.status, path).toBe(400);
        }
      }
    });

    it('refuses a device that is not base64 of a JSON object, or too large for the state cookie', async () => {
      await setup();
      const large = Buffer.from(JSON.stringify({ note: 'x'.repeat(800) })).toString('base64');
      for (const bad of ['%%%', Buffer.from('[1,2]').toString('base64'), Buffer.from('{"$where":1}').toString('base64'), large]) {
        const res = await request(t.app).get(loginPath('oauth2-google', { device: bad }));
        expect(res.status, bad).toBe(400);
        expect(res.body.error_code).toBe('InvalidParameter');
      }
    });

    it('refuses another app id with 404, and an OAuth provider that is not enabled as App Services does', async () => {
      await setup();
      const other = await request(t.app).get(`${CLIENT}/app/other/auth/providers/oauth2-google/login?redirect=${DONE}&state=${SDK_STATE}`);
      expect(other.status).toBe(404);
      const disabled = await request(t.app).get(loginPath('oauth2-facebook', {}));
      expect(disabled.status).toBe(404);
      expect(disabled.body.error_code).toBe('ProviderNotEnabled');
    });

    it('leaves the native route as it was: a state there is still refused', async () => {
      await setup();
      const res = await request(t.app).get(`/auth/providers/oauth2-google/login?redirect=${DONE}&state=${SDK_STATE}`);
      expect(res.status).toBe(400);
      expect(res.body.error_code).toBe('InvalidParameter');
    });
  });

  describe('a link (user.linkCredentials)', () => {
    async function anonymous() {
      const res = await request(t.app).post(`${APP}/auth/providers/anon-user/login`).send({});
      expect(res.status).toBe(200);
      return res.body as { access_token: string; refresh_token: string; user_id: string; device_id: string };
    }

    it('refuses a link started from another site without the SDK’s header mode, even with a token', async () => {
      await setup();
      const anon = await anonymous();
      const res = await request(t.app)
        .get(loginPath('oauth2-google', { link: 'true' }))
        .set({ Authorization: `Bearer ${anon.access_token}`, 'Sec-Fetch-Site': 'cross-site' });
      expect(res.status).toBe(403);
      const native = await request(t.app)
        .get(`/auth/providers/oauth2-google/login?redirect=${DONE}&link=true`)
        .set({ Authorization: `Bearer ${anon.access_token}`, 'Sec-Fetch-Site': 'cross-site' });
      expect(native.status).toBe(403);
    });

    it('answers 200 with the provider’s URL in x-baas-location, then lands with _baas_link and the same user', async () => {
      await setup();
      const anon = await anonymous();
      const browser = new Browser();
      // realm-web's fetch, from a page of another origin: the token is in the header, not a cookie.
      const start = await browser.request(`${t.base}${loginPath('oauth2-google', { link: 'true', providerRedirectHeader: 'true' })}`, {
        headers: { Authorization: `Bearer ${anon.access_token}`, 'Sec-Fetch-Site': 'cross-site' },
      });
      expect(start.status, await start.clone().text()).toBe(200);
      expect(start.headers.get('access-control-expose-headers')).toBe('x-baas-location');
      const location = start.headers.get('x-baas-location')!;
      expect(new URL(location).origin + new URL(location).pathname).toBe(google.authorizeUrl);
      expect(start.headers.get('location')).toBeNull();

      const fragment = baas(await openWindow(browser, location));
      expect(fragment).toMatchObject({ _baas_client_app_id: APP_ID, _baas_link: 'ok', _baas_state: SDK_STATE });
      const linked = authInfo(fragment['_baas_ua']);
      expect(linked.userId).toBe(anon.user_id);
      expect(linked.deviceId).toBe(anon.device_id);
      const profile = await request(t.app).get(`${CLIENT}/auth/profile`).set('Authorization', `Bearer ${linked.accessToken}`);
      expect(profile.body.identities.map((i: { provider_type: string }) => i.provider_type).sort()).toEqual(['anon-user', 'oauth2-google']);
      // The session keeps its refresh token.
      const refreshed = await request(t.app).post(`${CLIENT}/auth/session`).set('Authorization', `Bearer ${anon.refresh_token}`);
      expect(refreshed.status).toBe(200);
    });

    it('refuses a link start without a valid access token, as JSON', async () => {
      await setup();
      const none = await request(t.app).get(loginPath('oauth2-google', { link: 'true', providerRedirectHeader: 'true' }));
      expect(none.status).toBe(401);
      expect(none.headers['x-baas-location']).toBeUndefined();
      const forged = await request(t.app)
        .get(loginPath('oauth2-google', { link: 'true', providerRedirectHeader: 'true' }))
        .set('Authorization', 'Bearer not.a.token');
      expect(forged.status).toBe(401);
      expect(forged.headers['x-baas-location']).toBeUndefined();
    });

    it('hands a link that cannot complete to the page in _baas_error (the identity belongs to another user)', async () => {
      await setup();
      // Someone else logs in with this Google account first.
      const first = new Browser();
      const start = await first.request(`${t.base}${loginPath('oauth2-google', {})}`);
      authInfo(baas(await openWindow(first, start.headers.get('location')!))['_baas_ua']);

      const anon = await anonymous();
      const browser = new Browser();
      const linkStart = await browser.request(`${t.base}${loginPath('oauth2-google', { link: 'true', providerRedirectHeader: 'true' })}`, {
        headers: { Authorization: `Bearer ${anon.access_token}` },
      });
      const fragment = baas(await openWindow(browser, linkStart.headers.get('x-baas-location')!));
      expect(fragment['_baas_ua']).toBeUndefined();
      expect(fragment['_baas_error']).toMatch(/already/);
      expect(fragment['_baas_state']).toBe(SDK_STATE);
    });
  });
});

describe('the landing page’s fragment', () => {
  it('carries a message cut inside a surrogate pair (a provider’s text, shortened) as U+FFFD, never a 500', () => {
    const landed = appServicesLanding(DONE, { appId: APP_ID, state: SDK_STATE }, { error: 'refused x\ud83d' });
    expect(baas(new URL(landed))['_baas_error']).toBe('refused x\ufffd');
  });
});
