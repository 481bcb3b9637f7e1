import fc from 'fast-check';
import { hostileString, shapedBody } from '../support/bodies.js';
import type { Endpoint } from '../support/fuzz.js';
import { credentialOf, LIVE_ACCESS, LIVE_REFRESH, liveUser } from '../support/judge.js';
import { refOf } from '../support/values.js';
import { identityParams } from './params.js';

/** Sessions and the current user: refresh, logout, code exchange, profile, self-deletion, unlinking, the provider list. */
export const sessionEndpoints: Endpoint[] = [
  {
    method: 'GET',
    mount: '/auth',
    route: '/providers',
    verdict: () => 'noop',
  },
  {
    method: 'POST',
    mount: '/auth',
    route: '/session',
    credentials: [...LIVE_REFRESH, 'carol.refresh'],
    verdict(f, w) {
      const token = credentialOf(f, w, 'bearer');
      return token && LIVE_REFRESH.includes(token) ? 'allow' : 'refuse';
    },
    spoils: true, // the refresh token rotated
  },
  {
    method: 'DELETE',
    mount: '/auth',
    route: '/session',
    credentials: [...LIVE_REFRESH, ...LIVE_ACCESS, 'carol.access', 'carol.refresh'],
    // Any bearer token is a logout (204); one that ends no session must write nothing.
    verdict(f, w) {
      const token = credentialOf(f, w, 'bearer');
      if (token && (LIVE_ACCESS.includes(token) || LIVE_REFRESH.includes(token))) return 'allow';
      return f.auth ? 'noop' : 'refuse';
    },
    spoils: true,
  },
  // Exchange codes come only from OAuth callbacks, which this app does not offer: every code is unknown.
  {
    method: 'POST',
    mount: '/auth',
    route: '/session/exchange',
    body: shapedBody({ code: fc.oneof(hostileString, refOf('alice.refresh', 'confirm.token', 'reset.token', 'alice.access')) }),
    verdict: () => 'refuse',
    canSucceed: () => false,
  },
  {
    method: 'GET',
    mount: '/auth',
    route: '/profile',
    credentials: [...LIVE_ACCESS, 'carol.access'],
    verdict: (f, w) => (liveUser(f, w) ? 'noop' : 'refuse'),
  },
  {
    method: 'DELETE',
    mount: '/auth',
    route: '/delete',
    credentials: [...LIVE_ACCESS, 'carol.access'],
    verdict: (f, w) => (liveUser(f, w) ? 'allow' : 'refuse'),
    spoils: true,
  },
  {
    method: 'DELETE',
    mount: '/auth',
    route: '/identities/:providerType/:id',
    params: identityParams,
    credentials: [...LIVE_ACCESS, 'carol.access'],
    // Only one of the bearer's own identities, and never the last: alice holds two (password and key).
    verdict(f, w) {
      const { providerType, id } = f.params!;
      if (liveUser(f, w) !== 'alice') return 'refuse';
      const own =
        (providerType === 'local-userpass' && id === w.value('alice.userpassId')) || (providerType === 'api-key' && id === w.value('alice.keyId'));
      return own ? 'allow' : 'refuse';
    },
    spoils: true,
  },
];
