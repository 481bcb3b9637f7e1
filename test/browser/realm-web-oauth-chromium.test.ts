/**
 * realm-web's OAuth redirect in a real browser: realm-web@2.0.1's browser bundle, unmodified,
 * on a page of the app in Debian's Chromium (playwright-core), against the App Services
 * routes and a local OpenID provider standing in for Google. `app.logIn(Credentials.google({
 * redirectUrl }))` opens a window, the login comes back to a page that calls
 * `Realm.handleAuthRedirect()`, and the opener's promise resolves with the user; a link does
 * the same from an anonymous user. Skipped only where /usr/bin/chromium is missing (CI installs it).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, type Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcProvider } from '../support/oauth/oidc-provider.js';
import { oauthProviders, startOAuthApp, type OAuthApp } from '../support/oauth/oauth-app.js';
import { CHROMIUM, launchChromium } from '../support/chromium.js';
import { storeCases } from '../support/stores.js';

const APP_ID = 'blog-web';
const REALM_WEB = createRequire(import.meta.url).resolve('realm-web/dist/bundle.iife.js');

const page = (body: string) => `<!doctype html><meta charset="utf-8"><title>blog</title><script src="/realm-web.js"></script>${body}`;

/** The app: the App Services routes, realm-web served to its pages, and the page a web login comes back to. */
async function startApp(store: Parameters<typeof startOAuthApp>[0], google: OidcProvider): Promise<OAuthApp> {
  const t = await startOAuthApp(store, {}, (base) => {
    const { 'oauth2-google': options } = oauthProviders(base, { google }) as { 'oauth2-google': Record<string, unknown> };
    return { providers: { 'oauth2-google': { ...options, redirectUris: [`${base}/oauth-done`] } as never } };
  });
  t.app.use(t.auth.appServicesRouter({ appId: APP_ID, redirectUris: [`${t.base}/oauth-done`] }));
  t.app.get('/realm-web.js', (_req, res) => res.sendFile(REALM_WEB));
  t.app.get('/', (_req, res) => void res.type('html').send(page('<p>The blog</p>')));
  t.app.get('/oauth-done', (_req, res) => void res.type('html').send(page('<script>Realm.handleAuthRedirect()</script><p>Signed in</p>')));
  return t;
}

interface Outcome {
  id: string;
  providerType: string;
  identities: { providerType: string; id: string }[];
}

describe.skipIf(!existsSync(CHROMIUM))('realm-web’s OAuth redirect in Chromium', () => {
  let dir: string;
  let context: BrowserContext;
  let google: OidcProvider;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'realm-web-chromium-'));
    [context, google] = await Promise.all([
      launchChromium(dir),
      OidcProvider.start(),
    ]);
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    await google?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  describe.each(storeCases('realm_web_chromium'))('on $name', ({ make }) => {
    let t: OAuthApp;
    let tab: Page;
    beforeAll(async () => {
      google.user = { sub: 'g-42', email: 'ada@example.com', email_verified: true, name: 'Ada Lovelace' };
      t = await startApp(make(), google);
      tab = await context.newPage();
    });
    afterAll(async () => {
      await tab?.close();
      await t?.close();
    });

    it('logs in with Credentials.google({ redirectUrl }): a window opens, comes back, and the user is logged in', async () => {
      await tab.goto(`${t.base}/`);
      const windows = context.pages().length;
      // Where the window realm-web opens is sent.
      const redirects: string[] = [];
      const follow = (response: Response) => void (response.status() === 302 && redirects.push(response.headers()['location']!));
      context.on('response', follow);
      const outcome: Outcome = await tab.evaluate(async ({ appId, base }) => {
        const R = (globalThis as unknown as { Realm: typeof import('realm-web') }).Realm;
        const app = new R.App({ id: appId, baseUrl: base });
        const user = await app.logIn(R.Credentials.google({ redirectUrl: `${base}/oauth-done` }));
        await user.refreshAccessToken(); // throws if the session's refresh token is refused
        await user.refreshProfile();
        return {
          id: user.id,
          providerType: user.providerType,
          identities: user.identities.map((i) => ({ providerType: i.providerType, id: i.id })),
        };
      }, { appId: APP_ID, base: t.base });
      expect(outcome.providerType).toBe('oauth2-google');
      expect(outcome.identities).toEqual([{ providerType: 'oauth2-google', id: 'g-42' }]);
      const user = await t.auth.users.get(outcome.id);
      expect(user!.identities.map((i) => i.providerType)).toEqual(['oauth2-google']);
      // The window went to Google, came back to the redirect page with the outcome in the
      // fragment, and realm-web closed it.
      context.off('response', follow);
      expect(redirects.map((url) => url.replace(/[?#].*/, ''))).toEqual([google.authorizeUrl, `${t.base}/auth/providers/oauth2-google/callback`, `${t.base}/oauth-done`]);
      expect(redirects[2]).toMatch(/#_baas_client_app_id=blog-web&_baas_ua=[^&]+&_baas_state=[a-z]{12}$/);
      await expect.poll(() => context.pages().length).toBe(windows);
    });

    it('links Google to an anonymous user with user.linkCredentials: the same user id, both identities', async () => {
      google.user = { sub: 'g-43', email: 'grace@example.com', email_verified: true };
      await tab.goto(`${t.base}/`);
      const outcome = await tab.evaluate(async ({ appId, base }) => {
        const R = (globalThis as unknown as { Realm: typeof import('realm-web') }).Realm;
        const app = new R.App({ id: appId, baseUrl: base });
        const user = await app.logIn(R.Credentials.anonymous(false));
        const anonymousId = user.id;
        await user.linkCredentials(R.Credentials.google({ redirectUrl: `${base}/oauth-done` }));
        return { anonymousId, id: user.id, identities: user.identities.map((i) => i.providerType).sort() };
      }, { appId: APP_ID, base: t.base });
      expect(outcome.id).toBe(outcome.anonymousId);
      expect(outcome.identities).toEqual(['anon-user', 'oauth2-google']);
      const user = await t.auth.users.get(outcome.id);
      expect(user!.identities.map((i) => i.providerType).sort()).toEqual(['anon-user', 'oauth2-google']);
    });

    it('rejects the login promise when Google refuses, and creates no user', async () => {
      google.user = { sub: 'g-44' };
      google.tamper = (payload) => void (payload['aud'] = 'another-client');
      try {
        await tab.goto(`${t.base}/`);
        const before = (await t.auth.users.list()).users.length;
        const failure = await tab.evaluate(async ({ appId, base }) => {
          const R = (globalThis as unknown as { Realm: typeof import('realm-web') }).Realm;
          const app = new R.App({ id: appId, baseUrl: base });
          try {
            await app.logIn(R.Credentials.google({ redirectUrl: `${base}/oauth-done` }));
            return 'logged in';
          } catch (err) {
            return String(err);
          }
        }, { appId: APP_ID, base: t.base });
        expect(failure).toMatch(/Failed to decode 'authInfo'|Failed to handle/);
        expect((await t.auth.users.list()).users.length).toBe(before);
      } finally {
        google.tamper = undefined;
      }
    });
  });
});
