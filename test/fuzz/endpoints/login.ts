import fc from 'fast-check';
import { hostileJson, hostileObject, hostileString, shapedBody } from '../support/bodies.js';
import { EMPLOYEES } from '../support/fuzz-app.js';
import type { Endpoint } from '../support/fuzz.js';
import { envelopeOk, field, liveUser, maybeSameEmail, samePassword, wantsLink } from '../support/judge.js';
import type { Facts } from '../support/request.js';
import { forged, ref, refOf } from '../support/values.js';
import type { World } from '../support/world.js';

export const PROVIDERS = ['anon-user', 'local-userpass', 'api-key', 'custom-token', 'custom-function'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** The `:provider` segment: mostly the provider, sometimes another, a look-alike, or anything. */
const providerParam = (p: Provider) =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constant(p) },
    { weight: 1, arbitrary: fc.constantFrom(...PROVIDERS, 'oauth2-google', 'oauth2-apple', 'oauth2-facebook', 'local_userpass', 'api_key', 'anon', 'providers') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(p.toUpperCase(), `${p} `, ` ${p}`, `${p}\u0000`, `${p}/`, `${p}/login`, `../${p}`, p.replace('-', '\u2010'), p.replace('l', 'ｌ'), p.replace('e', 'е'), `${p}%`, encodeURIComponent(p)),
    },
    { weight: 1, arbitrary: hostileString },
  );

/** Each provider's login body: its own fields, fixtures and near misses mostly, anything sometimes. */
const credentials: Record<Provider, fc.Arbitrary<unknown>> = {
  'anon-user': fc.oneof(fc.constant({}), shapedBody({}, { envelope: true }), hostileObject),
  'local-userpass': shapedBody(
    { username: refOf('alice.email', 'carol.email', 'bob.email'), password: refOf('alice.password', 'carol.password', 'bob.password') },
    { envelope: true },
  ),
  'api-key': shapedBody({ key: refOf('alice.apiKey', 'server.apiKey', 'alice.access', 'alice.refresh') }, { envelope: true }),
  'custom-token': shapedBody({ token: fc.oneof(ref('customToken'), forged('customToken'), refOf('alice.access', 'server.access')) }, { envelope: true }),
  'custom-function': shapedBody(
    {
      employeeId: fc.oneof({ weight: 3, arbitrary: ref('employee') }, { weight: 1, arbitrary: fc.constantFrom('emp-2', 'emp-crash', 'emp-suspended', 'EMP-1', 'emp-1 ') }),
      name: fc.oneof(fc.string({ maxLength: 20 }), hostileJson),
    },
    { envelope: true },
  ),
};

const enabled = (p: unknown): p is Provider => (PROVIDERS as readonly unknown[]).includes(p);

/** Whether the body holds credentials the provider accepts (a confirmed account's password, a live key, a valid token…). */
function credentialsValid(provider: Provider, f: Facts, w: World): boolean {
  switch (provider) {
    case 'anon-user':
      return true;
    case 'local-userpass':
      return w.accounts.some((a) => a.status === 'confirmed' && maybeSameEmail(field(f, 'username'), a.email) && samePassword(field(f, 'password'), a.password));
    case 'api-key': {
      const key = w.identify(field(f, 'key'));
      return key === 'alice.apiKey' || key === 'server.apiKey';
    }
    case 'custom-token':
      return w.identify(field(f, 'token')) === 'customToken';
    case 'custom-function': {
      const id = field(f, 'employeeId');
      return typeof id === 'string' && EMPLOYEES.has(id);
    }
  }
}

/** `POST /providers/:provider/login`, its body sent to one provider (`?link=true` links to the bearer's user). */
export function login(provider: Provider): Endpoint {
  return {
    method: 'POST',
    mount: '/auth',
    route: '/providers/:provider/login',
    title: `POST /auth/providers/${provider}/login`,
    params: { provider: providerParam(provider) },
    body: credentials[provider],
    credentials: ['alice.access', 'anon.access', 'carol.access'],
    verdict(f, w) {
      const p = f.params!['provider'];
      if (!enabled(p) || !envelopeOk(f)) return 'refuse';
      if (wantsLink(f) && (!liveUser(f, w) || p === 'anon-user')) return 'refuse';
      return credentialsValid(p, f, w) ? 'allow' : 'refuse';
    },
    spoils: wantsLink,
  };
}

/** `POST /link/providers/:provider/login`: the bearer's live session, then the provider's credentials. */
export function link(provider: Provider): Endpoint {
  return {
    method: 'POST',
    mount: '/auth',
    route: '/link/providers/:provider/login',
    title: `POST /auth/link/providers/${provider}/login`,
    params: { provider: providerParam(provider) },
    body: credentials[provider],
    credentials: ['alice.access', 'anon.access', 'server.access', 'carol.access', 'alice.refresh'],
    verdict(f, w) {
      const p = f.params!['provider'];
      if (!enabled(p) || p === 'anon-user' || !liveUser(f, w)) return 'refuse';
      return credentialsValid(p, f, w) ? 'allow' : 'refuse';
    },
    spoils: true,
    canSucceed: () => provider !== 'anon-user',
  };
}

