/**
 * The typed client (`express-auth-providers/client`) in Node against a real server on
 * 127.0.0.1, in bearer mode and in cookie mode, on both stores.
 */
import express from 'express';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuthClient, AuthClientError, Credentials, isAuthClientError, localStorageTokens, memoryStorage, type WebStorage } from '../../src/client/index.js';
import { allProvidersApp, customToken, type AllProvidersApp } from '../support/all-providers.js';
import { fetchWithCookies, listen } from '../support/listen.js';
import { storeCases } from '../support/stores.js';

const PASSWORD = 'correct horse battery';
const ACCESS_TTL = 1800;

/** A server for the client: the test app, behind a counter of refresh requests. */
async function serve(t: AllProvidersApp) {
  const counts = { refreshes: 0 };
  const outer = express();
  outer.use((req, _res, next) => {
    if (req.method === 'POST' && req.path === '/auth/session') counts.refreshes++;
    next();
  });
  outer.use(t.app);
  return { origin: await listen(outer), counts };
}

/** A Web Storage in memory, standing in for a browser's localStorage (shared by the tabs given it). */
function webStorage(): WebStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return { items, getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v), removeItem: (k) => void items.delete(k) };
}

async function expectClientError(promise: Promise<unknown>, code: string, status: number) {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AuthClientError);
  expect(err).toMatchObject({ code, status });
}

describe.each(storeCases('client'))('AuthClient on $name', ({ make }) => {
  describe('in bearer mode', () => {
    let t: AllProvidersApp;
    let origin: string;
    let counts: { refreshes: number };
    beforeAll(async () => {
      t = await allProvidersApp(make());
      ({ origin, counts } = await serve(t));
    });
    const client = (storage = memoryStorage()) => new AuthClient({ baseUrl: `${origin}/auth`, storage });

    it('logs in with each provider’s credentials', async () => {
      const c = client();
      const anon = await c.logIn(Credentials.anonymous());
      expect(anon.userId).toMatch(/^[0-9a-f]{24}$/);
      expect((await c.profile()).identities[0]!.provider_type).toBe('anon-user');

      await c.emailPassword.registerUser({ email: 'ada@example.com', password: PASSWORD });
      const { token, tokenId } = t.mail.findLast((m) => m.email === 'ada@example.com')!;
      await c.emailPassword.confirmUser({ token, tokenId });
      const ada = await c.logIn(Credentials.emailPassword('ada@example.com', PASSWORD));
      expect(ada.userId).not.toBe(anon.userId);

      const { key } = await c.apiKeys.create('laptop');
      expect((await client().logIn(Credentials.apiKey(key))).userId).toBe(ada.userId);

      const jwt = await client().logIn(Credentials.jwt(await customToken(t, 'sub-1')));
      expect((await t.auth.users.findByIdentity('custom-token', 'sub-1'))?.id).toBe(jwt.userId);

      t.employees.add('e-7');
      const employee = await client().logIn(Credentials.function({ employeeId: 'e-7' }));
      expect((await t.auth.users.findByIdentity('custom-function', 'e-7'))?.id).toBe(employee.userId);
    });

    it('raises typed errors carrying the server’s error_code', async () => {
      const c = client();
      await expectClientError(c.logIn(Credentials.emailPassword('nobody@example.com', PASSWORD)), 'InvalidPassword', 401);
      await expectClientError(c.logIn(Credentials.apiKey('eapk_nonsense')), 'AuthError', 401);
      await expectClientError(c.emailPassword.confirmUser({ token: 'x', tokenId: 'y' }), 'UserpassTokenInvalid', 400);
      await expectClientError(c.profile(), 'MissingAuthReq', 401);
      await expectClientError(new AuthClient({ baseUrl: 'http://127.0.0.1:1/auth' }).logIn(Credentials.anonymous()), 'NetworkError', 0);
      const err = await c.logIn(Credentials.emailPassword('nobody@example.com', PASSWORD)).catch((e: unknown) => e);
      expect(isAuthClientError(err, 'InvalidPassword')).toBe(true);
      expect(isAuthClientError(err, 'InvalidSession')).toBe(false);
    });

    it('registers, resets a password by the mailed token, and links and unlinks identities', async () => {
      const c = client();
      const me = await c.logIn(Credentials.anonymous());
      await c.emailPassword.registerUser({ email: 'grace@example.com', password: PASSWORD });
      const confirm = t.mail.findLast((m) => m.email === 'grace@example.com')!;
      await c.emailPassword.confirmUser({ token: confirm.token, tokenId: confirm.tokenId });

      const linked = await c.link(Credentials.emailPassword('grace@example.com', PASSWORD));
      expect(linked.user_id).toBe(me.userId);
      expect(linked.identities.map((i) => i.provider_type)).toEqual(['anon-user', 'local-userpass']);
      // The link brought a fresh access token that says the user is no longer anonymous.
      expect((await c.fetch(`${origin}/members`)).status).toBe(200);

      await c.emailPassword.sendResetPasswordEmail({ email: 'grace@example.com' });
      const reset = t.mail.findLast((m) => m.email === 'grace@example.com')!;
      await c.emailPassword.resetPassword({ token: reset.token, tokenId: reset.tokenId, password: `${PASSWORD} 2` });
      const again = client();
      expect((await again.logIn(Credentials.emailPassword('grace@example.com', `${PASSWORD} 2`))).userId).toBe(me.userId);

      const anonId = linked.identities.find((i) => i.provider_type === 'anon-user')!.id;
      const unlinked = await again.unlink('anon-user', anonId);
      expect(unlinked.identities.map((i) => i.provider_type)).toEqual(['local-userpass']);
      await expectClientError(again.unlink('local-userpass', unlinked.identities[0]!.id), 'LastIdentity', 400);
    });

    it('manages API keys: create shows the secret once, list, get, disable, enable, delete', async () => {
      const c = client();
      await c.logIn(Credentials.anonymous());
      await expectClientError(c.apiKeys.create('no'), 'Forbidden', 403);
      await c.emailPassword.registerUser({ email: 'keys@example.com', password: PASSWORD });
      const mail = t.mail.findLast((m) => m.email === 'keys@example.com')!;
      await c.emailPassword.confirmUser({ token: mail.token, tokenId: mail.tokenId });
      await c.logIn(Credentials.emailPassword('keys@example.com', PASSWORD));

      const created = await c.apiKeys.create('ci');
      expect(created.key).toMatch(/^eapk_/);
      expect(await c.apiKeys.list()).toEqual([expect.not.objectContaining({ key: expect.anything() })]);
      expect((await c.apiKeys.get(created._id)).name).toBe('ci');
      await c.apiKeys.disable(created._id);
      expect((await c.apiKeys.get(created._id)).disabled).toBe(true);
      await expectClientError(client().logIn(Credentials.apiKey(created.key)), 'AuthError', 401);
      await c.apiKeys.enable(created._id);
      await c.apiKeys.delete(created._id);
      expect(await c.apiKeys.list()).toEqual([]);
    });

    it('sends 10 concurrent requests with an expired access token, refreshes exactly once, and retries each', async () => {
      const c = client();
      const me = await c.logIn(Credentials.anonymous());
      const before = (await c.storedSession())!;
      t.clock.advance(ACCESS_TTL + 1);
      const start = counts.refreshes;
      const answers = await Promise.all(Array.from({ length: 10 }, () => c.fetch(`${origin}/live`)));
      expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
      expect(counts.refreshes - start).toBe(1);
      const after = (await c.storedSession())!;
      expect(after.userId).toBe(me.userId);
      expect(after.refreshToken).not.toBe(before.refreshToken);
      expect(after.accessToken).not.toBe(before.accessToken);
    });

    it('surfaces the reuse of a refresh token after logout as a typed InvalidSession error, and forgets the session', async () => {
      const c = client();
      await c.logIn(Credentials.anonymous());
      const stale = (await c.storedSession())!;
      await c.logOut();
      expect(await c.storedSession()).toBeNull();
      const restored = memoryStorage();
      restored.set(stale);
      const copy = client(restored);
      // /live checks the session: the access token is refused, then its refresh token.
      await expectClientError(copy.fetch(`${origin}/live`), 'InvalidSession', 401);
      expect(await copy.storedSession()).toBeNull();
    });

    it('surfaces a rotated refresh token replayed by a stale copy as InvalidSession, which ends the session for both', async () => {
      const c = client();
      await c.logIn(Credentials.anonymous());
      const stale = (await c.storedSession())!;
      await c.refresh();
      t.clock.advance(60); // past the grace period for concurrent refreshes
      const restored = memoryStorage();
      restored.set(stale);
      await expectClientError(client(restored).refresh(), 'InvalidSession', 401);
      await expectClientError(c.refresh(), 'InvalidSession', 401);
    });

    it('parses an empty answer as undefined, and names a failure without an error body by its status', async () => {
      t.app.post('/empty', t.auth.requireUser(), (_req, res) => void res.status(201).end());
      t.app.get('/html-error', (_req, res) => void res.status(404).type('html').send('<h1>Not here</h1>'));
      const c = client();
      await c.logIn(Credentials.anonymous());
      expect(await c.request(`${origin}/empty`, { method: 'POST' })).toBeUndefined();
      await expectClientError(c.request(`${origin}/html-error`), 'NotFound', 404);
    });

    it('returns a 401 as is when it holds no session to refresh', async () => {
      const res = await client().fetch(`${origin}/posts`);
      expect(res.status).toBe(401);
    });

    it('shares tokens through localStorage: a second tab follows the first one’s rotation without replaying the old token', async () => {
      const storage = webStorage();
      const tab1 = new AuthClient({ baseUrl: `${origin}/auth`, storage: localStorageTokens('blog', storage) });
      const tab2 = new AuthClient({ baseUrl: `${origin}/auth`, storage: localStorageTokens('blog', storage) });
      const me = await tab1.logIn(Credentials.anonymous());
      expect(JSON.parse(storage.items.get('blog')!)).toMatchObject({ userId: me.userId });
      expect((await tab2.fetch(`${origin}/live`)).status).toBe(200);
      t.clock.advance(ACCESS_TTL + 1);
      expect((await tab1.fetch(`${origin}/live`)).status).toBe(200);
      t.clock.advance(60);
      // tab2 still holds the expired access token in memory; its refresh reads the rotated refresh token.
      expect((await tab2.fetch(`${origin}/live`)).status).toBe(200);
      expect((await tab1.fetch(`${origin}/live`)).status).toBe(200);
      await tab2.logOut();
      expect(storage.items.has('blog')).toBe(false);
    });

    it('deletes the user and forgets the session', async () => {
      const c = client();
      const me = await c.logIn(Credentials.anonymous());
      await c.deleteUser();
      expect(await t.auth.users.get(me.userId)).toBeNull();
      expect(await c.storedSession()).toBeNull();
    });
  });

  describe('in cookie mode', () => {
    let t: AllProvidersApp;
    let origin: string;
    let counts: { refreshes: number };
    beforeAll(async () => {
      t = await allProvidersApp(make(), { cookies: true });
      ({ origin, counts } = await serve(t));
    });
    const browser = () => {
      const fetch = fetchWithCookies();
      return { fetch, client: new AuthClient({ baseUrl: `${origin}/auth`, tokens: 'cookie', fetch }) };
    };

    it('logs in by cookie: the tokens are never within the client’s reach', async () => {
      const { client, fetch } = browser();
      const me = await client.logIn(Credentials.anonymous());
      expect([...fetch.cookies.keys()].sort()).toEqual(['auth-access', 'auth-refresh']);
      expect(await client.storedSession()).toBeNull();
      const res = await client.fetch(`${origin}/posts`);
      expect(((await res.json()) as { user: { id: string } }).user.id).toBe(me.userId);
      expect((await client.profile()).user_id).toBe(me.userId);
    });

    it('sends 10 concurrent requests with an expired access token, refreshes exactly once by cookie, and retries each', async () => {
      const { client, fetch } = browser();
      await client.logIn(Credentials.anonymous());
      const refreshBefore = fetch.cookies.get('auth-refresh')!.value;
      t.clock.advance(ACCESS_TTL + 1);
      const start = counts.refreshes;
      const answers = await Promise.all(Array.from({ length: 10 }, () => client.fetch(`${origin}/live`)));
      expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
      expect(counts.refreshes - start).toBe(1);
      expect(fetch.cookies.get('auth-refresh')!.value).not.toBe(refreshBefore);
    });

    it('links by cookie, and logs out clearing the cookies; the next request fails with a typed error', async () => {
      const { client, fetch } = browser();
      const me = await client.logIn(Credentials.anonymous());
      t.employees.add('e-cookie');
      const profile = await client.link(Credentials.function({ employeeId: 'e-cookie' }));
      expect(profile.user_id).toBe(me.userId);
      expect((await client.fetch(`${origin}/members`)).status).toBe(200);
      await client.logOut();
      expect(fetch.cookies.size).toBe(0);
      await expectClientError(client.fetch(`${origin}/posts`), 'MissingAuthReq', 401);
    });

    it('surfaces a revoked session as InvalidSession once the refresh cookie is refused', async () => {
      const { client } = browser();
      const me = await client.logIn(Credentials.anonymous());
      await t.auth.users.revokeSessions(me.userId);
      await expectClientError(client.fetch(`${origin}/live`), 'InvalidSession', 401);
    });
  });
});
