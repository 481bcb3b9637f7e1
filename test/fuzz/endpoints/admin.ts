import fc from 'fast-check';
import { hostileObject, hostileString, shapedBody } from '../support/bodies.js';
import type { Endpoint } from '../support/fuzz.js';
import { credentialOf, field, isObject, maybeSameEmail } from '../support/judge.js';
import { encodeComponent, queryString, type Facts } from '../support/request.js';
import type { World } from '../support/world.js';
import { emailValue, idParam, identityParams } from './params.js';

/** The guard the fuzzed app puts in front: a server user's access token, or a server API key. */
const admitted = (f: Facts, w: World) => credentialOf(f, w, 'bearer') === 'server.access' || credentialOf(f, w, 'apikey') === 'server.apiKey';
const knownUser = (f: Facts, w: World) => (['alice.id', 'anon.id', 'server.id', 'carol.id'] as const).some((n) => f.params!['id'] === w.value(n));
const credentials = ['server.access', 'server.apiKey', 'alice.access', 'alice.apiKey', 'server.refresh'] as const;

const userId = { id: idParam('alice.id', 'anon.id', 'server.id', 'carol.id', 'alice.keyId') };
const keyId = { id: idParam('server.keyId', 'alice.keyId', 'server.id') };
const email = { email: emailValue };

const listQuery = queryString(
  fc
    .array(
      fc.tuple(
        fc.constantFrom('provider', 'disabled', 'email', 'type', 'anonymous', 'limit', 'after', 'filter', '__proto__', 'limit[]'),
        fc.oneof(fc.constantFrom('anon-user', 'local-userpass', 'true', 'false', 'normal', 'server', '10', '0', '9999', '-1', '1e3', 'ok.alice@fuzz.test', ''), hostileString),
      ),
      { maxLength: 3 },
    )
    .map((pairs) => pairs.map(([k, v]) => `${encodeComponent(k)}=${encodeComponent(v)}`).join('&')),
);

const read = (route: string, e: Partial<Endpoint> = {}): Endpoint => ({
  method: 'GET',
  mount: '/admin',
  route,
  credentials,
  verdict: (f, w) => (admitted(f, w) ? 'noop' : 'refuse'),
  ...e,
});
const write = (method: Endpoint['method'], route: string, ok: (f: Facts, w: World) => boolean, e: Partial<Endpoint> = {}): Endpoint => ({
  method,
  mount: '/admin',
  route,
  credentials,
  verdict: (f, w) => (admitted(f, w) && ok(f, w) ? 'allow' : 'refuse'),
  ...e,
});

const pending = (f: Facts, w: World) => w.accounts.some((a) => a.status === 'pending' && maybeSameEmail(f.params!['email'], a.email));
const serverKey = (f: Facts, w: World) => f.params!['id'] === w.value('server.keyId') || f.params!['id'] === w.value('alice.keyId');

/** The admin router (`auth.adminRouter`) behind its guard. */
export const adminEndpoints: Endpoint[] = [
  read('/users', { query: listQuery }),
  read('/users/:id', { params: userId }),
  read('/identities/:providerType/:id', { params: identityParams }),
  ...(['disable', 'enable', 'logout'] as const).map((action) => write('PUT', `/users/:id/${action}`, knownUser, { params: userId, spoils: true })),
  write('DELETE', '/users/:id', knownUser, { params: userId, spoils: true }),
  write('PUT', '/users/:id/custom_data', (f, w) => knownUser(f, w) && isObject(f.body), {
    params: userId,
    body: fc.oneof(hostileObject, shapedBody({ theme: fc.string(), $set: hostileObject, 'a.b': fc.string() })),
  }),
  write('DELETE', '/users/:id/custom_data', knownUser, { params: userId }),
  read('/user_registrations/pending_users', { query: listQuery }),
  write('POST', '/user_registrations/by_email/:email/confirm', pending, { params: email, spoils: true }),
  write('DELETE', '/user_registrations/by_email/:email', pending, { params: email, spoils: true }),
  read('/api_keys'),
  write('POST', '/api_keys', (f) => typeof field(f, 'name') === 'string', {
    body: shapedBody({ name: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), fc.constantFrom('fuzz-admin', 'a'.repeat(65), '$ne')) }),
  }),
  read('/api_keys/:id', { params: keyId }),
  write('PUT', '/api_keys/:id/enable', serverKey, { params: keyId }),
  write('PUT', '/api_keys/:id/disable', serverKey, { params: keyId, spoils: true }),
  write('DELETE', '/api_keys/:id', serverKey, { params: keyId, spoils: true }),
];
