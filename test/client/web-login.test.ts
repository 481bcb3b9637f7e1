/**
 * The client's web login (`webLoginUrl`, `finishWebLogin`) against a real server on
 * 127.0.0.1 and a local OpenID provider standing in for Google, in bearer and cookie mode, on
 * both stores. The browser is the test's fake one: the client's fetch sends its cookies.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthClient, AuthClientError } from '../../src/client/index.js';
import { Browser } from '../support/oauth/browser.js';
import { OidcProvider } from '../support/oauth/oidc-provider.js';
import { DONE, startOAuthApp, type OAuthApp } from '../support/oauth/oauth-app.js';
import { storeCases } from '../support/stores.js';

/** The page's fetch in `browser`: its cookies go with a request that includes credentials, and come back from the answer. */
function fetchIn(browser: Browser): typeof fetch {
  return async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const headers = new Headers(init.headers);
    const cookie = browser.cookieHeader(url, init.method ?? 'GET');
    if (init.credentials === 'include' && cookie) headers.set('cookie', cookie);
    return fetch(url, { ...init, headers });
  };
}

/** The browser goes to the login URL, through the provider, to the page the login lands on. */
async function landOn(browser: Browser, loginUrl: string): Promise<string> {
  const start = await browser.request(loginUrl);
  expect(start.status).toBe(302);
  return (await browser.navigate(start.headers.get('location')!, { crossSite: true })).url;
}

describe.each(storeCases('client_web_login'))('AuthClient web logins on $name', ({ make }) => {
  let google: OidcProvider;
  let t: OAuthApp;
  beforeAll(async () => {
    google = await OidcProvider.start();
  });
  afterAll(() => google.stop());
  afterEach(() => t?.close());
  const setup = async (cookies: boolean) => {
    google.user = { sub: 'g-9', email: 'ada@example.com', email_verified: true };
    google.tamper = undefined;
    t = await startOAuthApp(make(), { google }, cookies ? { cookies: true } : {});
  };

  it('builds the login URL of a provider, with the redirect and, for a link, link=true', async () => {
    await setup(false);
    const client = new AuthClient({ baseUrl: `${t.base}/auth/` });
    expect(client.webLoginUrl('oauth2-google', { redirect: DONE })).toBe(
      `${t.base}/auth/providers/oauth2-google/login?redirect=${encodeURIComponent(DONE)}`,
    );
    const cookies = new AuthClient({ baseUrl: `${t.base}/auth`, tokens: 'cookie' });
    expect(cookies.webLoginUrl('oauth2-google', { redirect: DONE, link: true })).toMatch(/&link=true$/);
    // A navigation carries no Authorization header: a web link in bearer mode could only fail.
    expect(() => client.webLoginUrl('oauth2-google', { redirect: DONE, link: true })).toThrow(TypeError);
  });

  it('in bearer mode, exchanges the code of the landing page for a session the client then uses', async () => {
    await setup(false);
    const browser = new Browser();
    const client = new AuthClient({ baseUrl: `${t.base}/auth`, fetch: fetchIn(browser) });
    const landed = await landOn(browser, client.webLoginUrl('oauth2-google', { redirect: DONE }));
    expect(landed).toMatch(/^https:\/\/app\.test\/done\?code=/);
    const profile = await client.finishWebLogin(landed);
    expect(profile.identities).toEqual([expect.objectContaining({ provider_type: 'oauth2-google', id: 'g-9' })]);
    const stored = await client.storedSession();
    expect(stored).toMatchObject({ accessToken: expect.any(String), refreshToken: expect.any(String), userId: profile.user_id });
    // The code worked once.
    await expect(client.finishWebLogin(landed)).rejects.toMatchObject({ code: 'AuthError', status: 401 });
  });

  it('refuses the code from another browser: it opens nothing there', async () => {
    await setup(false);
    const browser = new Browser();
    const landed = await landOn(browser, new AuthClient({ baseUrl: `${t.base}/auth` }).webLoginUrl('oauth2-google', { redirect: DONE }));
    const elsewhere = new AuthClient({ baseUrl: `${t.base}/auth`, fetch: fetchIn(new Browser()) });
    await expect(elsewhere.finishWebLogin(landed)).rejects.toMatchObject({ code: 'AuthError', status: 401 });
    expect(await elsewhere.storedSession()).toBeNull();
  });

  it('in cookie mode, has nothing to exchange: the cookies the callback set are the session', async () => {
    await setup(true);
    const browser = new Browser();
    const client = new AuthClient({ baseUrl: `${t.base}/auth`, tokens: 'cookie', fetch: fetchIn(browser) });
    const landed = await landOn(browser, client.webLoginUrl('oauth2-google', { redirect: DONE }));
    expect(landed).toBe(DONE);
    expect((await client.finishWebLogin(landed)).identities[0]!.provider_type).toBe('oauth2-google');
  });

  it('in cookie mode, does not take a page without a code for a login: it rejects without a session', async () => {
    await setup(true);
    const client = new AuthClient({ baseUrl: `${t.base}/auth`, tokens: 'cookie', fetch: fetchIn(new Browser()) });
    await expect(client.finishWebLogin(DONE)).rejects.toMatchObject({ code: 'MissingAuthReq', status: 401 });
  });

  it('rejects with the refusal the landing page carries, and keeps no session', async () => {
    await setup(false);
    google.tamper = (payload) => void (payload['aud'] = 'another-client');
    const browser = new Browser();
    const client = new AuthClient({ baseUrl: `${t.base}/auth`, fetch: fetchIn(browser) });
    const landed = await landOn(browser, client.webLoginUrl('oauth2-google', { redirect: DONE }));
    const err = await client.finishWebLogin(landed).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(AuthClientError);
    expect(err).toMatchObject({ code: 'AuthError', status: 0 });
    expect(await client.storedSession()).toBeNull();
  });

  it('rejects a page that no web login led to', async () => {
    await setup(false);
    const client = new AuthClient({ baseUrl: `${t.base}/auth` });
    await expect(client.finishWebLogin(DONE)).rejects.toMatchObject({ code: 'BadRequest', status: 0 });
  });
});
