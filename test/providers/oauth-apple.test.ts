import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { profileOf } from '../support/all-providers.js';
import { APPLE_CLIENT, AppleIdp } from '../support/oauth/apple-idp.js';
import { Browser } from '../support/oauth/browser.js';
import { appleLogin, DONE, refusalOf, startOAuthApp, tokensOf, type OAuthApp } from '../support/oauth/oauth-app.js';
import { storeCases } from '../support/stores.js';

const LOGIN = '/auth/providers/oauth2-apple/login';

describe.each(storeCases('oauth_apple'))('oauth2-apple on $name', ({ make }) => {
  let apple: AppleIdp;
  let t: OAuthApp;
  beforeAll(async () => {
    apple = await AppleIdp.start();
  });
  afterAll(() => apple.stop());
  let n = 0;
  const setup = async () => {
    // A new Apple user per test: Apple sends the name on a user's first authorization only.
    apple.oidc.user = { sub: `000${++n}.apple.${Date.now()}`, email: 'ada@example.com', email_verified: 'true', is_private_email: 'false' };
    apple.oidc.tamper = undefined;
    t = await startOAuthApp(make(), { apple });
    return t;
  };
  afterEach(() => t?.close());

  it('asks for form_post with state, PKCE S256 and nonce; its state cookie is SameSite=None, Secure, path-scoped and short-lived', async () => {
    await setup();
    const res = await request(t.app).get(`${LOGIN}?redirect=${encodeURIComponent(DONE)}`);
    expect(res.status).toBe(302);
    const q = Object.fromEntries(new URL(res.headers['location']!).searchParams);
    expect(q).toMatchObject({ response_type: 'code', response_mode: 'form_post', scope: 'name email', client_id: APPLE_CLIENT, code_challenge_method: 'S256' });
    expect(q['state']).toMatch(/^[A-Za-z0-9_-]{43}$/); // the state store's, not passport-apple's 10-hex-digit one
    expect(q['nonce']).toBeDefined();
    expect(String(res.headers['set-cookie'])).toMatch(
      /^eap-oauth-oauth2-apple=[^;]+; Path=\/auth\/providers\/oauth2-apple\/callback; Max-Age=600; HttpOnly; Secure; SameSite=None$/,
    );
  });

  it('logs in through the cross-site form POST; the name from the first authorization is kept, the email comes from the ID token', async () => {
    await setup();
    const first = await appleLogin(t, new Browser());
    expect(first.form['user']).toBeDefined();
    const tokens = await tokensOf(t, first.landed!);
    const profile = await profileOf(t, tokens.access_token);
    expect(profile.identities[0]).toMatchObject({ id: apple.oidc.user.sub, provider_type: 'oauth2-apple' });
    expect(profile.data).toEqual({ email: 'ada@example.com', name: 'Ada Lovelace' });
    // Apple sends no name the second time; the user keeps it.
    const second = await appleLogin(t, new Browser());
    expect(second.form['user']).toBeUndefined();
    const again = await tokensOf(t, second.landed!);
    expect(again.user_id).toBe(tokens.user_id);
    expect((await profileOf(t, again.access_token)).data).toEqual({ email: 'ada@example.com', name: 'Ada Lovelace' });
  });

  it('reads the user field for a display name only: a forged email in it is ignored, a later forged name renames nobody', async () => {
    await setup();
    const forged = JSON.stringify({ name: { firstName: 'Mallory' }, email: 'victim@example.com' });
    const first = await appleLogin(t, new Browser(), { user: forged });
    const tokens = await tokensOf(t, first.landed!);
    expect((await profileOf(t, tokens.access_token)).data).toEqual({ email: 'ada@example.com', name: 'Mallory' });
    const user = await t.auth.users.get(tokens.user_id);
    expect(user!.identities[0]!.email!.address).toBe('ada@example.com');
    const later = await appleLogin(t, new Browser(), { user: JSON.stringify({ name: { firstName: 'Eve' } }) });
    expect((await profileOf(t, (await tokensOf(t, later.landed!)).access_token)).data['name']).toBe('Mallory');
  });

  it('logs in without a name when the user field is malformed (passport-apple would throw)', async () => {
    await setup();
    for (const user of ['{not json', '"a string"', JSON.stringify({ name: 42 }), JSON.stringify([1])]) {
      const browser = new Browser();
      const { landed } = await appleLogin(t, browser, { user });
      const tokens = await tokensOf(t, landed!);
      expect((await profileOf(t, tokens.access_token)).data).toEqual({ email: 'ada@example.com' });
    }
  });

  it('needs SameSite=None: the same cross-site POST without the cookie (as a Lax cookie would be withheld) is refused', async () => {
    await setup();
    const browser = new Browser();
    const { landed } = await appleLogin(t, browser);
    expect(landed!.searchParams.get('code')).not.toBeNull();
    expect(browser.hops.find((h) => h.method === 'POST')!.crossSite).toBe(true);

    const lax = new Browser();
    const start = await lax.request(`${t.base}${LOGIN}?redirect=${encodeURIComponent(DONE)}`);
    for (const cookie of lax.cookies.values()) cookie.sameSite = 'lax';
    const page = await lax.request(start.headers.get('location')!, { crossSite: true });
    const { response } = await lax.submitForm(await page.text(), { crossSite: true });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: 'the login state is missing or expired in this browser; start the login again',
      error_code: 'AuthError',
    });
  });

  it('signs its client secret with jose (ES256, kid, team, client, Apple) and renews it before it expires', async () => {
    await setup();
    const before = apple.secrets.length;
    await tokensOf(t, (await appleLogin(t, new Browser())).landed!);
    await tokensOf(t, (await appleLogin(t, new Browser())).landed!);
    const [a, b] = apple.secrets.slice(before);
    expect(a).toEqual(b); // kept while fresh
    expect(a!.exp! - a!.iat!).toBe(3600);
    t.clock.advance(46 * 60); // past three quarters of its life
    await tokensOf(t, (await appleLogin(t, new Browser())).landed!);
    const c = apple.secrets.at(-1)!;
    expect(c.iat! - a!.iat!).toBeGreaterThanOrEqual(46 * 60);
    expect(c.exp! - c.iat!).toBe(3600);
  });

  it('treats email_verified "false" and private relay addresses as unverified', async () => {
    await setup();
    apple.oidc.user = { ...apple.oidc.user, email_verified: 'false' };
    const tokens = await tokensOf(t, (await appleLogin(t, new Browser())).landed!);
    expect((await t.auth.users.get(tokens.user_id))!.identities[0]!.email).toEqual({ address: 'ada@example.com', verified: false });
    apple.oidc.user = { sub: 'relay-user', email: 'x1@privaterelay.appleid.com', email_verified: true, is_private_email: 'true' };
    const relay = await tokensOf(t, (await appleLogin(t, new Browser())).landed!);
    expect((await t.auth.users.get(relay.user_id))!.identities[0]!.email!.verified).toBe(false);
  });

  it('refuses a form whose id_token names another user than the token endpoint’s', async () => {
    await setup();
    const other = await apple.oidc.idToken({ aud: APPLE_CLIENT, sub: 'someone-else' });
    const { landed } = await appleLogin(t, new Browser(), { id_token: other });
    expect(refusalOf(landed!).error_code).toBe('AuthError');
    expect((await t.auth.users.list()).users).toEqual([]);
  });

  describe('native login', () => {
    it('logs in with { id_token }, checking the hashed nonce when the app sends its raw nonce', async () => {
      await setup();
      const { createHash } = await import('node:crypto');
      const nonce = 'raw-nonce-from-the-app';
      const id_token = await apple.oidc.idToken({ aud: APPLE_CLIENT, nonce: createHash('sha256').update(nonce).digest('hex') });
      const ok = await request(t.app).post(LOGIN).send({ id_token, nonce });
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      const wrong = await request(t.app).post(LOGIN).send({ id_token, nonce: 'another' });
      expect(wrong.body).toEqual({ error: 'invalid ID token: wrong nonce', error_code: 'AuthError' });
    });
  });
});
