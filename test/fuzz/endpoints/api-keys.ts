import fc from 'fast-check';
import { shapedBody } from '../support/bodies.js';
import type { Endpoint } from '../support/fuzz.js';
import { field, liveUser } from '../support/judge.js';
import type { Facts } from '../support/request.js';
import type { World } from '../support/world.js';
import { idParam } from './params.js';

/** The user key routes admit live, permanent, normal users only: alice here (not the anonymous or the server user). */
const alice = (f: Facts, w: World) => liveUser(f, w) === 'alice';
const ownKey = (f: Facts, w: World) => alice(f, w) && f.params!['id'] === w.value('alice.keyId');
const keyId = { id: idParam('alice.keyId', 'server.keyId', 'alice.id', 'alice.userpassId') };
const credentials = ['alice.access', 'anon.access', 'server.access', 'carol.access', 'alice.refresh'] as const;
const keyName = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), fc.constantFrom('fuzz-key', 'a'.repeat(65), 'has space', 'ключ', '$ne', 'a.b'));

/** `/api_keys`: a user's own API keys. */
export const apiKeyEndpoints: Endpoint[] = [
  { method: 'GET', mount: '/auth', route: '/api_keys', credentials, verdict: (f, w) => (alice(f, w) ? 'noop' : 'refuse') },
  {
    method: 'POST',
    mount: '/auth',
    route: '/api_keys',
    credentials,
    body: shapedBody({ name: keyName }),
    verdict: (f, w) => (alice(f, w) && typeof field(f, 'name') === 'string' ? 'allow' : 'refuse'),
  },
  // Another user's key, or a server key, is as unknown as a missing one.
  { method: 'GET', mount: '/auth', route: '/api_keys/:id', params: keyId, credentials, verdict: (f, w) => (ownKey(f, w) ? 'noop' : 'refuse') },
  { method: 'PUT', mount: '/auth', route: '/api_keys/:id/enable', params: keyId, credentials, verdict: (f, w) => (ownKey(f, w) ? 'allow' : 'refuse') },
  {
    method: 'PUT',
    mount: '/auth',
    route: '/api_keys/:id/disable',
    params: keyId,
    credentials,
    verdict: (f, w) => (ownKey(f, w) ? 'allow' : 'refuse'),
    spoils: true,
  },
  {
    method: 'DELETE',
    mount: '/auth',
    route: '/api_keys/:id',
    params: keyId,
    credentials,
    verdict: (f, w) => (ownKey(f, w) ? 'allow' : 'refuse'),
    spoils: true,
  },
];
