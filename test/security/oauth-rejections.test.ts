/**
 * The OAuth rejections of the security checklist (§7, 29–37), each a clean refusal: no user
 * created, no 500, and no redirect anywhere but the allowlisted target.
 */
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppleIdp } from '../support/oauth/apple-idp.js';
import { Browser } from '../support/oauth/browser.js';
import { FacebookGraph } from '../support/oauth/facebook-graph.js';
import { OidcProvider } from '../support/oauth/oidc-provider.js';
import { DONE, exchange, GOOGLE_CLIENT, refusalOf, startOAuthApp, tokensOf, webLogin, type OAuthApp } from '../support/oauth/oauth-app.js';
import { storeCases } from '../support/stores.js';

const CALLBACK = '/auth/providers/oauth2-google/callback';

describe.each(storeCases('oauth_rejections'))('OAuth rejections on $name', ({ make }) => {
  let google: OidcProvider, apple: AppleIdp, facebook: FacebookGraph;
  let t: OAuthApp;
  beforeAll(async () => {
    [google, apple, facebook] = await Promise.all([OidcProvider.start(), AppleIdp.start(), FacebookGraph.start()]);
  });
  afterAll(() => Promise.all([google.stop(), apple.stop(), facebook.stop()]));
  const setup = async () => {
    google.user = { sub: 'g-1', email: 'ada@example.com', email_verified: true };
    google.tamper = undefined;
    google.replaceIdToken = undefined;
    t = await startOAuthApp(make(), { google, apple, facebook });
    return t;
  };
  afterEach(async () => {
    // No refusal was a bug: nothing logged as an error (a 500 logs one).
    expect(t.logger.lines.filter((l) => l.level === 'error')).toEqual([]);
    await t.close();
  });

  const noUser = async () => expect((await t.auth.users.list()).users).toEqual([]);

  /** Starts a Google login in `browser` and authorizes at Google: the callback URL it would go to. */
  async function authorized(browser: Browser): Promise<URL> {
    const start = await browser.request(`${t.base}/auth/providers/oauth2-google/login?redirect=${encodeURIComponent(DONE)}`);
    const atGoogle = await browser.request(start.headers.get('location')!, { crossSite: true });
    return new URL(atGoogle.headers.get('location')!);
  }
  /** Goes to a callback URL: where the browser is sent. */
  async function callback(browser: Browser, url: URL): Promise<Response> {
    return browser.request(url.href, { crossSite: true });
  }
  const landing = (res: Response) => new URL(res.headers.get('location')!);

  describe('state (29)', () => {
    it('refuses a callback without state', async () => {
      await setup();
      const browser = new Browser();
      const url = await authorized(browser);
      url.searchParams.delete('state');
      const res = await callback(browser, url);
      expect(refusalOf(landing(res))).toEqual({ error: 'the state does not match the login this browser started', error_code: 'AuthError' });
      await noUser();
    });

    it('refuses a mismatched state', async () => {
      await setup();
      const browser = new Browser();
      const url = await authorized(browser);
      const state = url.searchParams.get('state')!;
      url.searchParams.set('state', `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`);
      expect(refusalOf(landing(await callback(browser, url))).error_code).toBe('AuthError');
      await noUser();
    });

    it('refuses a replayed state, even with a copy of the cookie', async () => {
      await setup();
      const browser = new Browser();
      const url = await authorized(browser);
      const copy = new Browser();
      for (const [key, cookie] of browser.cookies) copy.cookies.set(key, { ...cookie });
      await tokensOf(t, landing(await callback(browser, url)), browser);
      const replay = await callback(copy, url);
      expect(refusalOf(landing(replay))).toEqual({ error: 'this login was already completed; start a new one', error_code: 'AuthError' });
      // The same browser has no cookie left: no target is known, the answer is JSON.
      const again = await callback(browser, url);
      expect(again.status).toBe(401);
      expect(await again.json()).toEqual({ error: 'the login state is missing or expired in this browser; start the login again', error_code: 'AuthError' });
    });

    it('answers JSON to a callback from another browser (no cookie), redirecting nowhere', async () => {
      await setup();
      const url = await authorized(new Browser());
      const res = await callback(new Browser(), url);
      expect(res.status).toBe(401);
      expect(res.headers.get('location')).toBeNull();
      expect(((await res.json()) as { error_code: string }).error_code).toBe('AuthError');
      await noUser();
    });

    it('refuses an expired state cookie', async () => {
      await setup();
      const browser = new Browser();
      const url = await authorized(browser);
      t.clock.advance(601);
      expect((await callback(browser, url)).status).toBe(401);
      await noUser();
    });

    it('refuses a repeated state or code parameter with a clean redirect', async () => {
      await setup();
      const browser = new Browser();
      const url = await authorized(browser);
      url.searchParams.append('code', 'second');
      expect(refusalOf(landing(await callback(browser, url))).error_code).toBe('InvalidParameter');
      await noUser();
    });
  });

  it('refuses a posted callback whose query carries a code of its own', async () => {
    await setup();
    const browser = new Browser();
    const url = await authorized(browser);
    const form = Object.fromEntries(url.searchParams);
    const res = await browser.request(`${t.base}${CALLBACK}?code=other`, { form });
    expect(refusalOf(landing(res))).toEqual({ error: 'a posted callback carries its parameters in the form only', error_code: 'InvalidParameter' });
    await noUser();
  });

  it('refuses a code from another browser’s login on PKCE (30)', async () => {
    await setup();
    const victim = new Browser();
    const victimUrl = await authorized(victim);
    const attackerUrl = await authorized(new Browser());
    // The attacker's code, with the victim's own state: the state passes, the verifier does not.
    victimUrl.searchParams.set('code', attackerUrl.searchParams.get('code')!);
    const res = await callback(victim, victimUrl);
    expect(refusalOf(landing(res)).error_code).toBe('AuthError');
    await noUser();
  });

  describe('ID token (31)', () => {
    const cases: [string, (p: Record<string, unknown>) => void, string][] = [
      ['a foreign aud', (p) => void (p['aud'] = 'another-client.apps.test'), 'wrong audience'],
      ['a wrong iss', (p) => void (p['iss'] = 'https://evil.example'), 'wrong issuer'],
      ['an expired token', (p) => void Object.assign(p, { iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 }), 'the token has expired'],
      ['a wrong nonce', (p) => void (p['nonce'] = 'not-the-nonce'), 'wrong nonce'],
      ['no nonce', (p) => void delete p['nonce'], 'wrong nonce'],
      ['several audiences without azp naming us', (p) => void (p['aud'] = [GOOGLE_CLIENT, 'other']), 'issued to another party (azp)'],
    ];
    it.each(cases)('refuses %s', async (_label, tamper, reason) => {
      await setup();
      google.tamper = tamper;
      const res = refusalOf(await webLogin(t, new Browser(), 'oauth2-google'));
      expect(res).toEqual({ error: `invalid ID token: ${reason}`, error_code: 'AuthError' });
      await noUser();
    });

    it('refuses a bad signature', async () => {
      await setup();
      google.replaceIdToken = await google.forgedIdToken({ aud: GOOGLE_CLIENT });
      const res = refusalOf(await webLogin(t, new Browser(), 'oauth2-google'));
      expect(res).toEqual({ error: 'invalid ID token: signature verification failed', error_code: 'AuthError' });
      await noUser();
    });
  });

  describe('open redirects (35), refused before any redirect to the provider', () => {
    it.each(['https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)', 'https://app.test.evil.example/done', 'https://app.test/done/../../x', 'https://user@app.test/done', 'http://app.test/done', 'https://app.test:444/done', 'https://app.test/done#x', '/done'])(
      'refuses %s',
      async (target) => {
        await setup();
        const res = await request(t.app).get(`/auth/providers/oauth2-google/login?redirect=${encodeURIComponent(target)}`);
        expect([res.status, res.body]).toEqual([400, { error: 'redirect is not an allowed redirect URI', error_code: 'InvalidParameter' }]);
        expect(res.headers['location']).toBeUndefined();
        expect(res.headers['set-cookie']).toBeUndefined();
      },
    );

    it('needs a redirect when several are allowed, and refuses a code on the login', async () => {
      await setup();
      expect((await request(t.app).get('/auth/providers/oauth2-google/login')).body.error).toBe('redirect is required: name one of the redirect URIs');
      expect((await request(t.app).get(`/auth/providers/oauth2-google/login?redirect=${DONE}&code=x`)).status).toBe(400);
      expect((await request(t.app).get(`/auth/providers/oauth2-google/login?redirect=${DONE}&redirect=${DONE}`)).status).toBe(400);
    });
  });

  it('ends error=access_denied cleanly (36)', async () => {
    await setup();
    const browser = new Browser();
    const url = await authorized(browser);
    url.searchParams.delete('code');
    url.searchParams.set('error', 'access_denied');
    expect(refusalOf(landing(await callback(browser, url)))).toEqual({ error: 'the Google login was cancelled', error_code: 'AuthError' });
    await noUser();
  });

  it('refuses an Apple callback replayed at the Google endpoint (37)', async () => {
    await setup();
    const browser = new Browser();
    await authorized(browser); // a Google login under way in this browser
    const start = await browser.request(`${t.base}/auth/providers/oauth2-apple/login?redirect=${encodeURIComponent(DONE)}`);
    const page = await (await browser.request(start.headers.get('location')!, { crossSite: true })).text();
    const atGoogle = page.replace('/auth/providers/oauth2-apple/callback', CALLBACK);
    const { response } = await browser.submitForm(atGoogle, { crossSite: true });
    // The Google cookie is Lax: a cross-site POST does not carry it, so no target is known.
    expect(response.status).toBe(401);
    // Sent as a same-site GET it does carry the Google cookie, whose state is not Apple's.
    const form = /name="code" value="([^"]+)".*name="state" value="([^"]+)"/.exec(page)!;
    const res = await browser.request(`${t.base}${CALLBACK}?code=${form[1]}&state=${form[2]}`);
    expect(refusalOf(landing(res)).error).toBe('the state does not match the login this browser started');
    await noUser();
  });

  describe('exchange codes', () => {
    it('works once: a second exchange of the same code is refused', async () => {
      await setup();
      const browser = new Browser();
      const landed = await webLogin(t, browser, 'oauth2-google');
      const code = landed.searchParams.get('code');
      const cookie = browser.cookieHeader(new URL(`${t.base}/auth/session/exchange`), 'POST');
      expect((await exchange(t, code, browser)).status).toBe(200);
      // Even with the binding cookie kept and sent again.
      const second = await request(t.app).post('/auth/session/exchange').set('Cookie', cookie).send({ code });
      expect([second.status, second.body]).toEqual([401, { error: 'the code is invalid, expired or already used', error_code: 'AuthError' }]);
    });

    it('is bound to the browser that finished the login: someone else sent its link gets a 401, and the code is spent', async () => {
      await setup();
      const attacker = new Browser();
      const landed = await webLogin(t, attacker, 'oauth2-google');
      // The victim's page posts the code of the link it was sent: it has no binding cookie.
      const victim = await exchange(t, landed.searchParams.get('code'), new Browser());
      expect([victim.status, victim.body.error_code]).toEqual([401, 'AuthError']);
      expect((await exchange(t, landed.searchParams.get('code'), attacker)).status).toBe(401);
    });

    it('expires after 60 seconds, and refuses malformed ones', async () => {
      await setup();
      const browser = new Browser();
      const landed = await webLogin(t, browser, 'oauth2-google');
      t.clock.advance(61);
      expect((await exchange(t, landed.searchParams.get('code'), browser)).status).toBe(401);
      for (const code of [null, '', { $ne: null }, 'x'.repeat(300)]) {
        expect((await request(t.app).post('/auth/session/exchange').send({ code })).status).toBe(400);
      }
    });
  });
});
