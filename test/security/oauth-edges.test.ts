import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from '../support/oauth/browser.js';
import { OidcProvider } from '../support/oauth/oidc-provider.js';
import { DONE, landedIn, refusalOf, startOAuthApp, tokensOf, type OAuthApp } from '../support/oauth/oauth-app.js';
import { storeCases } from '../support/stores.js';

const LOGIN = '/auth/providers/oauth2-google/login';
const CALLBACK = '/auth/providers/oauth2-google/callback';

describe.each(storeCases('oauth_edges'))('OAuth web flow edges, on $name', ({ make }) => {
  let google: OidcProvider;
  let t: OAuthApp;
  beforeAll(async () => {
    google = await OidcProvider.start();
  });
  afterAll(() => google.stop());
  const setup = async () => {
    google.user = { sub: 'g-1', email: 'ada@example.com', email_verified: true };
    t = await startOAuthApp(make(), { google });
  };
  afterEach(async () => {
    expect(t.logger.lines.filter((l) => l.level === 'error')).toEqual([]); // no 500
    await t.close();
  });

  async function authorized(browser: Browser): Promise<URL> {
    const start = await browser.request(`${t.base}${LOGIN}?redirect=${encodeURIComponent(DONE)}`);
    const atGoogle = await browser.request(start.headers.get('location')!, { crossSite: true });
    return new URL(atGoogle.headers.get('location')!);
  }

  it.each(['error=x', 'state=abc', 'code=x'])('answers a login request carrying %s with 400, not 500', async (extra) => {
    await setup();
    const res = await request(t.app).get(`${LOGIN}?redirect=${encodeURIComponent(DONE)}&${extra}`);
    expect([res.status, res.body.error_code]).toEqual([400, 'InvalidParameter']);
  });

  it('answers a posted callback with too many form fields with 413, not 500', async () => {
    await setup();
    const form = Array.from({ length: 25 }, (_, i) => `f${i}=x`).join('&');
    const res = await request(t.app).post(CALLBACK).set('Content-Type', 'application/x-www-form-urlencoded').send(form);
    expect([res.status, res.body.error_code]).toEqual([413, 'BodyTooLarge']);
  });

  it('answers a JSON body whose gzip encoding is broken with 400, not 500', async () => {
    await setup();
    const broken = gzipSync(Buffer.from('{"a":1}')).subarray(0, 8);
    const res = await request(t.app).post('/auth/session/exchange').set('Content-Type', 'application/json').set('Content-Encoding', 'gzip').send(broken);
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('BadRequest');
  });

  it('lets a link to ?error=… without the login’s state change nothing: the login under way still finishes', async () => {
    await setup();
    const browser = new Browser();
    const url = await authorized(browser);
    const planted = await browser.request(`${t.base}${CALLBACK}?error=access_denied`, { crossSite: true });
    expect(refusalOf(new URL(planted.headers.get('location')!)).error).toBe('the state does not match the login this browser started');
    const finished = await browser.request(url.href, { crossSite: true });
    const tokens = await tokensOf(t, landedIn(browser, new URL(finished.headers.get('location')!)));
    expect(tokens.user_id).toBeDefined();
  });

  it('logs a web login and a refused one, as the router logs its own', async () => {
    await setup();
    const browser = new Browser();
    const url = await authorized(browser);
    const tampered = new URL(url);
    tampered.searchParams.set('code', 'not-the-code');
    await browser.request(tampered.href, { crossSite: true });
    const second = new Browser();
    const finished = await second.request((await authorized(second)).href, { crossSite: true });
    const tokens = await tokensOf(t, landedIn(second, new URL(finished.headers.get('location')!)));
    const events = t.logger.lines.map((l) => [l.level, l.message, l.meta?.['provider']]);
    expect(events).toContainEqual(['warn', 'express-auth-providers: login refused', 'oauth2-google']);
    expect(t.logger.lines).toContainEqual(
      expect.objectContaining({ level: 'info', message: 'express-auth-providers: login', meta: expect.objectContaining({ userId: tokens.user_id, provider: 'oauth2-google' }) }),
    );
  });
});
