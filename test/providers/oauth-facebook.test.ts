import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { profileOf } from '../support/all-providers.js';
import { Browser } from '../support/oauth/browser.js';
import { FACEBOOK_APP, FacebookGraph } from '../support/oauth/facebook-graph.js';
import { DONE, startOAuthApp, tokensOf, webLogin, type OAuthApp } from '../support/oauth/oauth-app.js';
import { storeCases } from '../support/stores.js';

const LOGIN = '/auth/providers/oauth2-facebook/login';

describe.each(storeCases('oauth_facebook'))('oauth2-facebook on $name', ({ make }) => {
  let facebook: FacebookGraph;
  let t: OAuthApp;
  beforeAll(async () => {
    facebook = await FacebookGraph.start();
  });
  afterAll(() => facebook.stop());
  const setup = async () => {
    facebook.user = { id: '1001', name: 'Grace Hopper', email: 'grace@example.com', birthday: '12/09/1906' };
    t = await startOAuthApp(make(), { facebook });
    return t;
  };
  afterEach(() => t?.close());

  it('redirects to the Facebook dialog with state (in the encrypted cookie) and the email scope', async () => {
    await setup();
    const res = await request(t.app).get(`${LOGIN}?redirect=${encodeURIComponent(DONE)}`);
    expect(res.status).toBe(302);
    const q = Object.fromEntries(new URL(res.headers['location']!).searchParams);
    expect(q).toMatchObject({ client_id: FACEBOOK_APP, scope: 'email,public_profile', response_type: 'code' });
    expect(q['state']).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('logs in through the whole dance, asking /me for the email explicitly; a second login finds the same user', async () => {
    await setup();
    const tokens = await tokensOf(t, await webLogin(t, new Browser(), 'oauth2-facebook'));
    expect(facebook.fieldRequests.at(-1)).toEqual(expect.arrayContaining(['id', 'email']));
    const profile = await profileOf(t, tokens.access_token);
    expect(profile.identities[0]).toMatchObject({ id: '1001', provider_type: 'oauth2-facebook' });
    expect(profile.data).toEqual({ name: 'Grace Hopper', email: 'grace@example.com' });
    // Facebook does not say it verified the address: it never counts as verified.
    expect((await t.auth.users.get(tokens.user_id))!.identities[0]!.email).toEqual({ address: 'grace@example.com', verified: false });
    const again = await tokensOf(t, await webLogin(t, new Browser(), 'oauth2-facebook'));
    expect(again.user_id).toBe(tokens.user_id);
  });

  it('logs in without an email when Facebook returns none', async () => {
    await setup();
    facebook.user = { id: '1002', name: 'No Mail' };
    const tokens = await tokensOf(t, await webLogin(t, new Browser(), 'oauth2-facebook'));
    expect((await profileOf(t, tokens.access_token)).data).toEqual({ name: 'No Mail' });
    expect((await t.auth.users.get(tokens.user_id))!.identities[0]!.email).toBeUndefined();
  });

  describe('native login with { accessToken }', () => {
    it('checks the token with debug_token, then reads /me with appsecret_proof', async () => {
      await setup();
      const res = await request(t.app).post(LOGIN).send({ accessToken: facebook.tokenFor() });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect((await profileOf(t, res.body.access_token)).identities[0]!.id).toBe('1001');
    });

    it('refuses a token issued to another app, and an invalid one, creating no user', async () => {
      await setup();
      const otherApp = await request(t.app).post(LOGIN).send({ accessToken: facebook.tokenFor('999', 'other-secret') });
      expect(otherApp.body).toEqual({ error: 'invalid Facebook access token: issued to another app', error_code: 'AuthError' });
      const revoked = await request(t.app).post(LOGIN).send({ accessToken: facebook.tokenFor(FACEBOOK_APP, undefined, false) });
      expect(revoked.body).toEqual({ error: 'invalid Facebook access token: expired or revoked', error_code: 'AuthError' });
      const unknown = await request(t.app).post(LOGIN).send({ accessToken: 'EAAnothing' });
      expect(unknown.status).toBe(401);
      expect((await request(t.app).post(LOGIN).send({ accessToken: ['x'] })).status).toBe(400);
      expect((await t.auth.users.list()).users).toEqual([]);
    });
  });
});
