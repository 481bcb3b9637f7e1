import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { UserpassMail } from '../../src/index.js';
import { bearer, profileOf } from '../support/all-providers.js';
import { AppleIdp } from '../support/oauth/apple-idp.js';
import { Browser } from '../support/oauth/browser.js';
import { FacebookGraph } from '../support/oauth/facebook-graph.js';
import { OidcProvider } from '../support/oauth/oidc-provider.js';
import { appleLogin, DONE, refusalOf, startOAuthApp, tokensOf, webLogin, type OAuthApp } from '../support/oauth/oauth-app.js';
import { storeCases } from '../support/stores.js';

const linkQuery = `redirect=${encodeURIComponent(DONE)}&link=true`;

describe.each(storeCases('oauth_linking'))('linking OAuth identities on $name', ({ make }) => {
  let google: OidcProvider, apple: AppleIdp, facebook: FacebookGraph;
  let t: OAuthApp;
  const mail: UserpassMail[] = [];
  beforeAll(async () => {
    [google, apple, facebook] = await Promise.all([OidcProvider.start(), AppleIdp.start(), FacebookGraph.start()]);
  });
  afterAll(() => Promise.all([google.stop(), apple.stop(), facebook.stop()]));
  const setup = async () => {
    google.user = { sub: 'g-7', email: 'ada@example.com', email_verified: true, name: 'Ada' };
    facebook.user = { id: '2001', name: 'Ada', email: 'ada@example.com' };
    apple.oidc.user = { sub: `apple-${Date.now()}`, email: 'ada@example.com', email_verified: 'false' };
    t = await startOAuthApp(
      make(),
      { google, apple, facebook },
      {
        linkByVerifiedEmail: ['oauth2-google', 'oauth2-facebook', 'oauth2-apple'],
        providers: {
          'local-userpass': {
            confirmation: { mode: 'email', url: 'https://app.test/confirm', send: (m) => void mail.push(m) },
            hashing: { memoryCost: 1024, timeCost: 1 },
          },
        },
      },
    );
    return t;
  };
  afterEach(() => t?.close());

  const anonymous = async () => (await request(t.app).post('/auth/providers/anon-user/login').send({})).body as { access_token: string; user_id: string };

  describe('through the web flow started with link=true', () => {
    it('links Google to an anonymous user, who keeps its id and stops being anonymous', async () => {
      await setup();
      const anon = await anonymous();
      const landed = await webLogin(t, new Browser(), 'oauth2-google', linkQuery, bearer(anon.access_token));
      const tokens = await tokensOf(t, landed);
      // A link answers as App Services does: a fresh access token for the same session.
      expect(tokens.user_id).toBe(anon.user_id);
      expect(tokens.refresh_token).toBeUndefined();
      const profile = await profileOf(t, tokens.access_token);
      expect(profile.identities.map((i) => i.provider_type).sort()).toEqual(['anon-user', 'oauth2-google']);
      expect((await request(t.app).get('/members').set(bearer(tokens.access_token))).status).toBe(200);
      expect((await t.auth.users.list()).users).toHaveLength(1);
    });

    it('needs the signed-in user before anything else: no token, no redirect to the provider', async () => {
      await setup();
      const res = await request(t.app).get(`/auth/providers/oauth2-google/login?${linkQuery}`);
      expect([res.status, res.body.error_code]).toEqual([401, 'MissingAuthReq']);
      expect(res.headers['location']).toBeUndefined();
    });

    it('answers IdentityAlreadyExists for a Google account that belongs to another user, moving nothing', async () => {
      await setup();
      const owner = await tokensOf(t, await webLogin(t, new Browser(), 'oauth2-google'));
      const anon = await anonymous();
      const landed = await webLogin(t, new Browser(), 'oauth2-google', linkQuery, bearer(anon.access_token));
      expect(refusalOf(landed)).toEqual({ error: 'a user already exists with the specified provider', error_code: 'IdentityAlreadyExists' });
      expect((await t.auth.users.findByIdentity('oauth2-google', 'g-7'))!.id).toBe(owner.user_id);
      expect((await t.auth.users.get(anon.user_id))!.identities).toHaveLength(1);
    });

    it('refuses to link when the session that started it has ended meanwhile', async () => {
      await setup();
      const anon = (await request(t.app).post('/auth/providers/anon-user/login').send({})).body;
      const browser = new Browser();
      const start = await browser.request(`${t.base}/auth/providers/oauth2-google/login?${linkQuery}`, { headers: bearer(anon.access_token) });
      await request(t.app).delete('/auth/session').set(bearer(anon.refresh_token));
      const landed = await browser.navigate(start.headers.get('location')!, { crossSite: true });
      expect(refusalOf(new URL(landed.url)).error_code).toBe('InvalidSession');
      expect(await t.auth.users.findByIdentity('oauth2-google', 'g-7')).toBeNull();
    });

    it('links Apple through its form_post', async () => {
      await setup();
      const anon = await anonymous();
      const { landed } = await appleLogin(t, new Browser(), undefined, linkQuery, bearer(anon.access_token));
      expect((await tokensOf(t, landed!)).user_id).toBe(anon.user_id);
    });
  });

  describe('linkByVerifiedEmail', () => {
    async function confirmedUserpass(email: string) {
      expect((await request(t.app).post('/auth/providers/local-userpass/register').send({ email, password: 'correct horse battery' })).status).toBe(201);
      const { token, tokenId } = mail.findLast((m) => m.email === email)!;
      expect((await request(t.app).post('/auth/providers/local-userpass/confirm').send({ token, tokenId })).status).toBe(204);
      const login = await request(t.app).post('/auth/providers/local-userpass/login').send({ username: email, password: 'correct horse battery' });
      return login.body.user_id as string;
    }

    it('links a verified Google email to the confirmed email/password user', async () => {
      await setup();
      const userId = await confirmedUserpass('ada@example.com');
      const tokens = await tokensOf(t, await webLogin(t, new Browser(), 'oauth2-google'));
      expect(tokens.user_id).toBe(userId);
      expect((await t.auth.users.get(userId))!.identities.map((i) => i.providerType).sort()).toEqual(['local-userpass', 'oauth2-google']);
    });

    it('does not link an unverified Google email', async () => {
      await setup();
      const userId = await confirmedUserpass('ada@example.com');
      google.user = { ...google.user, email_verified: false };
      expect((await tokensOf(t, await webLogin(t, new Browser(), 'oauth2-google'))).user_id).not.toBe(userId);
    });

    it('never links a Facebook email (unverified by Facebook)', async () => {
      await setup();
      const userId = await confirmedUserpass('ada@example.com');
      const tokens = await tokensOf(t, await webLogin(t, new Browser(), 'oauth2-facebook'));
      expect(tokens.user_id).not.toBe(userId);
      expect((await t.auth.users.get(userId))!.identities).toHaveLength(1);
    });

    it('does not link an Apple email whose email_verified is the string "false"', async () => {
      await setup();
      const userId = await confirmedUserpass('ada@example.com');
      const { landed } = await appleLogin(t, new Browser());
      expect((await tokensOf(t, landed!)).user_id).not.toBe(userId);
      expect((await t.auth.users.get(userId))!.identities).toHaveLength(1);
    });

    it('links an Apple email whose email_verified is the string "true"', async () => {
      await setup();
      const userId = await confirmedUserpass('ada@example.com');
      apple.oidc.user = { ...apple.oidc.user, email_verified: 'true' };
      const { landed } = await appleLogin(t, new Browser());
      expect((await tokensOf(t, landed!)).user_id).toBe(userId);
    });
  });
});
