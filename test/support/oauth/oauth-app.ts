import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { expect } from 'vitest';
import type { AuthOptions, Store } from '../../../src/index.js';
import { createTestApp, TestClock, type TestApp } from '../app.js';
import { APPLE_CLIENT, APPLE_KEY_ID, APPLE_TEAM, type AppleIdp } from './apple-idp.js';
import { Browser } from './browser.js';
import { FACEBOOK_APP, FACEBOOK_SECRET, type FacebookGraph } from './facebook-graph.js';
import type { OidcProvider } from './oidc-provider.js';

/** Where the host app's page receives a finished web login. */
export const DONE = 'https://app.test/done';
export const GOOGLE_CLIENT = 'google-client-id.apps.test';

/** A test clock that follows real time (the providers' tokens carry real timestamps), moved on by hand. */
export class LiveClock extends TestClock {
  private offset = 0;
  override now = (): Date => new Date(Date.now() + this.offset);
  override advance(seconds: number): void {
    this.offset += seconds * 1000;
  }
}

export interface Idps {
  google?: OidcProvider;
  apple?: AppleIdp;
  facebook?: FacebookGraph;
}

export interface OAuthApp extends TestApp {
  /** The app's origin, http://127.0.0.1:<port>. */
  base: string;
  store: Store;
  close(): Promise<void>;
}

type Extra = Omit<AuthOptions, 'store' | 'tokens' | 'now' | 'logger' | 'providers'> & { providers?: AuthOptions['providers'] };

/** The provider options that point at the local providers, for an app at `base`. */
export function oauthProviders(base: string, idps: Idps): AuthOptions['providers'] {
  const callbackUrl = (type: string) => `${base}/auth/providers/${type}/callback`;
  return {
    ...(idps.google && {
      'oauth2-google': {
        clientId: GOOGLE_CLIENT,
        clientSecret: 'google-secret',
        callbackUrl: callbackUrl('oauth2-google'),
        redirectUris: [DONE, 'https://app.test/other'],
        metadataFields: ['email', 'name', 'first_name', { name: 'picture', fieldName: 'avatar' }],
        authorizationUrl: idps.google.authorizeUrl,
        tokenUrl: idps.google.tokenUrl,
        jwksUri: idps.google.jwksUri,
        issuer: idps.google.issuer,
      },
    }),
    ...(idps.apple && {
      'oauth2-apple': {
        clientId: APPLE_CLIENT,
        teamId: APPLE_TEAM,
        keyId: APPLE_KEY_ID,
        privateKey: idps.apple.privateKeyPem,
        callbackUrl: callbackUrl('oauth2-apple'),
        redirectUris: [DONE],
        authorizationUrl: idps.apple.authorizeUrl,
        tokenUrl: idps.apple.tokenUrl,
        jwksUri: idps.apple.oidc.jwksUri,
        issuer: idps.apple.oidc.issuer,
      },
    }),
    ...(idps.facebook && {
      'oauth2-facebook': {
        clientId: FACEBOOK_APP,
        clientSecret: FACEBOOK_SECRET,
        callbackUrl: callbackUrl('oauth2-facebook'),
        redirectUris: [DONE],
        metadataFields: ['name', 'email'],
        authorizationUrl: `${idps.facebook.url}/dialog/oauth`,
        tokenUrl: `${idps.facebook.url}/oauth/access_token`,
        graphUrl: idps.facebook.url,
      },
    }),
  };
}

/**
 * The test app listening on 127.0.0.1 (the providers redirect the browser to it), with the
 * OAuth providers pointed at the local ones and anon-user and local-userpass beside them.
 * `extra` may depend on the app's origin (a redirect URI on the app itself).
 */
export async function startOAuthApp(store: Store, idps: Idps, extra: Extra | ((base: string) => Extra) = {}): Promise<OAuthApp> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { providers, ...rest } = typeof extra === 'function' ? extra(base) : extra;
  const t = createTestApp({
    store,
    clock: new LiveClock(),
    providers: { 'anon-user': {}, ...oauthProviders(base, idps), ...providers },
    ...rest,
  });
  server.on('request', t.app);
  return {
    ...t,
    base,
    store,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Starts a web login in the browser: the URL it is sent to at the provider. */
export async function startLogin(t: OAuthApp, browser: Browser, provider: string, query = `redirect=${encodeURIComponent(DONE)}`, headers: Record<string, string> = {}) {
  const res = await browser.request(`${t.base}/auth/providers/${provider}/login?${query}`, { headers });
  return res;
}

// The browser each landing URL was reached in: its exchange sends that browser's cookies.
const browsers = new WeakMap<URL, Browser>();

/** A landing URL, remembered as reached in `browser`. */
export function landedIn(browser: Browser, url: URL): URL {
  browsers.set(url, browser);
  return url;
}

/** The whole dance for a provider whose callback is a redirect (Google, Facebook): where the browser lands. */
export async function webLogin(t: OAuthApp, browser: Browser, provider: string, query?: string, headers?: Record<string, string>) {
  const start = await startLogin(t, browser, provider, query, headers);
  expect(start.status, await start.clone().text()).toBe(302);
  const landed = await browser.navigate(start.headers.get('location')!, { crossSite: true });
  return landedIn(browser, new URL(landed.url));
}

/** The dance for Apple: authorize answers a form that the page posts, cross-site, to the callback. */
export async function appleLogin(t: OAuthApp, browser: Browser, override?: Record<string, string | undefined>, query?: string, headers?: Record<string, string>) {
  const start = await startLogin(t, browser, 'oauth2-apple', query, headers);
  expect(start.status, await start.clone().text()).toBe(302);
  const page = await browser.request(start.headers.get('location')!, { crossSite: true });
  const submitted = await browser.submitForm(await page.text(), { crossSite: true, ...(override && { override }) });
  return { ...submitted, landed: submitted.url ? landedIn(browser, new URL(submitted.url)) : undefined };
}

/** `POST /session/exchange` with a code, from `browser` (with its cookies: the code is bound to one). */
export function exchange(t: OAuthApp, code: string | null, browser?: Browser) {
  const cookie = browser?.cookieHeader(new URL(`${t.base}/auth/session/exchange`), 'POST');
  return request(t.app).post('/auth/session/exchange').set(cookie ? { Cookie: cookie } : {}).send({ code });
}

/** The tokens of a web login that landed on the target with a code, exchanged from the browser that landed. */
export async function tokensOf(t: OAuthApp, landed: URL, browser = browsers.get(landed)) {
  expect(landed.origin + landed.pathname, landed.href).toBe(DONE);
  expect(landed.searchParams.get('error'), landed.href).toBeNull();
  const res = await exchange(t, landed.searchParams.get('code'), browser);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { access_token: string; refresh_token?: string; user_id: string };
}

/** The refusal a landing URL carries. */
export function refusalOf(landed: URL) {
  expect(landed.origin + landed.pathname, landed.href).toBe(DONE);
  expect(landed.searchParams.get('code')).toBeNull();
  return { error: landed.searchParams.get('error'), error_code: landed.searchParams.get('error_code') };
}
