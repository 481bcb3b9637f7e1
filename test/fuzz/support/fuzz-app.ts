import { AuthError, type AuthOptions, type Store } from '../../../src/index.js';
import { ISSUER, issuerKey } from '../../support/all-providers.js';
import { createTestApp, type TestApp } from '../../support/app.js';

/** How local-userpass confirms and resets: by mailed link, or by the host's functions. */
export type UserpassMode = 'email' | 'function';

/** A one-time token handed to the host (mailed, or passed to its function). */
export interface Delivered {
  purpose: 'confirm' | 'reset';
  email: string;
  token: string;
  tokenId: string;
}

/** Employees the custom-function provider knows; two more names make it refuse by throwing. */
export const EMPLOYEES = new Set(['emp-1', 'emp-2']);

// Far above what a fuzz run sends: the fuzzer is here to reach the handlers, not the limiters.
const UNLIMITED = { limit: 1_000_000_000, window: 3600 };

/**
 * The fuzzed app: every provider that needs no outside server, limits out of the way,
 * cheap argon2id, and the admin router at /admin for server users (or a server API key).
 * Addresses starting `ok.` are confirmed by the host function, `wait.` left pending;
 * a reset function approves `arguments[0] === 'approve'` and leaves `'later'` pending.
 */
export async function fuzzApp(store: Store, mode: UserpassMode, signingKey: Record<string, string>, inbox: Delivered[]): Promise<TestApp> {
  const key = await issuerKey();
  const deliver = (purpose: Delivered['purpose']) => (m: { email: string; token: string; tokenId: string }) =>
    void inbox.push({ purpose, email: m.email, token: m.token, tokenId: m.tokenId });
  const userpass: NonNullable<AuthOptions['providers']['local-userpass']> = {
    confirmation:
      mode === 'email'
        ? { mode: 'email', url: 'https://app.test/confirm', send: deliver('confirm') }
        : {
            mode: 'function',
            run: (req) => (deliver('confirm')(req), req.email.startsWith('ok.') ? 'success' : req.email.startsWith('wait.') ? 'pending' : 'fail'),
          },
    reset:
      mode === 'email'
        ? { mode: 'email', url: 'https://app.test/reset', send: deliver('reset') }
        : {
            mode: 'function',
            run: (req, ...args) => (deliver('reset')(req), args[0] === 'approve' ? 'success' : args[0] === 'later' ? 'pending' : 'fail'),
          },
    hashing: { memoryCost: 1024, timeCost: 1 },
    rateLimit: {
      login: { perIp: UNLIMITED, failedPerAccount: UNLIMITED },
      register: { perIp: UNLIMITED },
      send: { perIp: UNLIMITED, perAccount: UNLIMITED },
      token: { perIp: UNLIMITED },
    },
  };
  const t = createTestApp({
    store,
    tokens: { signingKeys: [signingKey as never] },
    providers: {
      'anon-user': { rateLimit: { login: { perIp: UNLIMITED } } },
      'local-userpass': userpass,
      'api-key': { rateLimit: { login: { perIp: UNLIMITED, failedPerIp: UNLIMITED } } },
      'custom-token': { algorithms: ['EdDSA'], keys: [key.publicJwk], audience: 'app', issuer: ISSUER, metadataFields: [{ name: 'name' }], email: {} },
      'custom-function': {
        authenticate: (payload) => {
          const id = payload['employeeId'];
          if (id === 'emp-crash') throw new Error('directory unavailable');
          if (id === 'emp-suspended') throw new AuthError('AuthError', 'employee suspended');
          if (typeof id !== 'string' || !EMPLOYEES.has(id)) return null;
          return typeof payload['name'] === 'string' ? { id, name: payload['name'] } : id;
        },
        rateLimit: { login: { perIp: UNLIMITED, failedPerIp: UNLIMITED, failedPerAccount: UNLIMITED } },
      },
    },
  });
  t.app.use('/admin', t.auth.adminRouter(t.auth.requireUser({ types: ['server'], apiKeys: true })));
  return t;
}
