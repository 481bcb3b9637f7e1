/** A test app with every provider that needs no outside server, and the client calls the linking tests make. */
import request from 'supertest';
import { expect } from 'vitest';
import type { AuthOptions, Store, UserpassMail } from '../../src/index.js';
import { createTestApp, type TestApp } from './app.js';
import { asymmetricKey, signToken, type TestKey } from './custom-tokens.js';

export const ISSUER = 'https://idp.test';
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export interface Tokens {
  access_token: string;
  refresh_token: string;
  user_id: string;
}

let keyPromise: Promise<TestKey> | undefined;
/** The custom-token issuer's key, generated once per test file. */
export const issuerKey = () => (keyPromise ??= asymmetricKey('EdDSA', 'idp-1'));

export interface AllProvidersApp extends TestApp {
  store: Store;
  /** Mails the local-userpass provider sent (what the address's owner receives). */
  mail: UserpassMail[];
  /** The custom-function provider logs in `{ employeeId, name?, email?, emailVerified? }`. */
  employees: Set<string>;
}

/**
 * anon-user, local-userpass (email confirmation, cheap argon2id for tests), api-key,
 * custom-token (the issuer's key; `email`/`email_verified` claims mapped) and custom-function.
 */
export async function allProvidersApp(
  store: Store,
  extra: Pick<AuthOptions, 'linkByVerifiedEmail' | 'hooks' | 'cookies' | 'trustedOrigins'> = {},
): Promise<AllProvidersApp> {
  const key = await issuerKey();
  const mail: UserpassMail[] = [];
  const employees = new Set<string>();
  const t = createTestApp({
    store,
    providers: {
      'anon-user': {},
      'local-userpass': {
        confirmation: { mode: 'email', url: 'https://app.test/confirm', send: (m) => void mail.push(m) },
        reset: { mode: 'email', url: 'https://app.test/reset', send: (m) => void mail.push(m) },
        hashing: { memoryCost: 1024, timeCost: 1 },
      },
      'api-key': {},
      'custom-token': {
        algorithms: ['EdDSA'],
        keys: [key.publicJwk],
        audience: 'app',
        issuer: ISSUER,
        metadataFields: [{ name: 'name' }],
        email: {},
      },
      'custom-function': {
        authenticate: (payload) => {
          const { employeeId, name, email, emailVerified } = payload as Record<string, never>;
          if (typeof employeeId !== 'string' || !employees.has(employeeId)) return null;
          return { id: employeeId, name, email, emailVerified };
        },
      },
    },
    ...extra,
  });
  return { ...t, store, mail, employees };
}

/** A JWT from the custom-token issuer for `sub`, valid now on the app's clock. */
export async function customToken(t: TestApp, sub: string, claims: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(t.clock.now().getTime() / 1000);
  return signToken(await issuerKey(), { sub, aud: 'app', iss: ISSUER, iat: now, exp: now + 300, ...claims });
}

export const loginWith = (t: TestApp, provider: string, body: object) =>
  request(t.app).post(`/auth/providers/${provider}/login`).send(body);

export const linkWith = (t: TestApp, access: string, provider: string, body: object) =>
  request(t.app).post(`/auth/link/providers/${provider}/login`).set(bearer(access)).send(body);

export async function loggedIn(res: request.Response): Promise<Tokens> {
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Tokens;
}

export const anonLogin = (t: TestApp) => loginWith(t, 'anon-user', {}).then(loggedIn);

/** Registers an email/password account and follows the mailed confirmation link. */
export async function registerConfirmed(t: AllProvidersApp, email: string, password: string): Promise<void> {
  expect((await request(t.app).post('/auth/providers/local-userpass/register').send({ email, password })).status).toBe(201);
  const { token, tokenId } = t.mail.findLast((m) => m.email === email.toLowerCase())!;
  expect((await request(t.app).post('/auth/providers/local-userpass/confirm').send({ token, tokenId })).status).toBe(204);
}

export const passwordLogin = (t: TestApp, username: string, password: string) =>
  loginWith(t, 'local-userpass', { username, password });

/** The profile the access token's user sees. */
export async function profileOf(t: TestApp, access: string) {
  const res = await request(t.app).get('/auth/profile').set(bearer(access));
  expect(res.status).toBe(200);
  return res.body as { user_id: string; identities: { id: string; provider_type: string }[]; data: Record<string, unknown>; custom_data?: unknown };
}
