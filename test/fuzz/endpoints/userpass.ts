import fc from 'fast-check';
import { hostileJson, shapedBody } from '../support/bodies.js';
import type { Endpoint } from '../support/fuzz.js';
import { field, isObject, maybeAccount, maybeSameEmail, surelySameEmail } from '../support/judge.js';
import type { Facts } from '../support/request.js';
import { Ref, refOf } from '../support/values.js';
import type { World } from '../support/world.js';
import { emailValue, passwordValue } from './params.js';

const route = (path: string) => `/providers/local-userpass${path}`;
const post = (path: string, e: Omit<Endpoint, 'method' | 'mount' | 'route'>): Endpoint => ({ method: 'POST', mount: '/auth', route: route(path), ...e });

const emailBody = shapedBody({ email: emailValue });
const tokenFields = { token: refOf('confirm.token', 'reset.token'), tokenId: refOf('confirm.tokenId', 'reset.tokenId') };
/** A mailed token and its id as the link carries them (either purpose): most of these reach the redeeming code. */
const tokenPair = fc.constantFrom('confirm', 'reset').map((p) => ({ token: new Ref(`${p}.token`), tokenId: new Ref(`${p}.tokenId`) }));

/** Whether the body carries the pending one-time token of `purpose`, exactly. */
const carriesToken = (f: Facts, w: World, purpose: 'confirm' | 'reset') =>
  field(f, 'token') === w.value(`${purpose}.token`) && field(f, 'tokenId') === w.value(`${purpose}.tokenId`);

const strings = (f: Facts, ...names: string[]) => names.every((n) => typeof field(f, n) === 'string');

// Registering a taken address: the same 201 in email mode (its owner is told, nothing is written), 409 otherwise.
const register = post('/register', {
  body: shapedBody({ email: emailValue, password: passwordValue }),
  verdict(f, w) {
    if (!strings(f, 'email', 'password')) return 'refuse';
    if (w.accounts.some((a) => surelySameEmail(field(f, 'email'), a.email))) return w.mode === 'email' ? 'noop' : 'refuse';
    return 'allow';
  },
});

const confirm = post('/confirm', {
  body: fc.oneof(shapedBody(tokenFields), tokenPair),
  verdict: (f, w) => (carriesToken(f, w, 'confirm') ? 'allow' : 'refuse'),
  spoils: true,
});

const reset = post('/reset', {
  body: fc.oneof(shapedBody({ ...tokenFields, password: passwordValue }), fc.tuple(tokenPair, passwordValue).map(([pair, password]) => ({ ...pair, password }))),
  verdict: (f, w) => (carriesToken(f, w, 'reset') && strings(f, 'password') ? 'allow' : 'refuse'),
  spoils: true,
});

/** Mail to an address: 204 whatever the address, and nothing written for an address without an account. */
const mailing = (path: string) =>
  post(path, {
    body: emailBody,
    verdict: (f, w) => (w.mode !== 'email' ? 'refuse' : maybeAccount(field(f, 'email'), w) ? 'allow' : 'noop'),
    canSucceed: (w) => w.mode === 'email',
  });

// In function mode the host's function runs again for a pending address; others are told apart (404, 400).
const confirmCall = post('/confirm/call', {
  body: emailBody,
  verdict(f, w) {
    if (w.mode === 'email') return maybeAccount(field(f, 'email'), w) ? 'allow' : 'noop';
    return w.accounts.some((a) => a.status === 'pending' && maybeSameEmail(field(f, 'email'), a.email)) ? 'allow' : 'refuse';
  },
});

const resetCall = post('/reset/call', {
  body: shapedBody({ email: emailValue, password: passwordValue, arguments: fc.oneof(fc.constantFrom(['approve'], ['later'], [], ['fail']), hostileJson) }),
  verdict(f, w) {
    if (w.mode !== 'function' || !strings(f, 'password') || !maybeAccount(field(f, 'email'), w)) return 'refuse';
    const args = isObject(f.body) ? f.body['arguments'] : undefined;
    return args === undefined || Array.isArray(args) ? 'allow' : 'refuse';
  },
  spoils: true, // an approved reset changes alice's password and ends her sessions
  canSucceed: (w) => w.mode === 'function',
});

/** The local-userpass routes, confirmation and reset by mailed link. */
export const userpassEmailEndpoints: Endpoint[] = [register, confirm, mailing('/confirm/send'), confirmCall, mailing('/reset/send'), reset, resetCall];

/** The routes whose behaviour changes when the host's functions confirm and reset. */
export const userpassFunctionEndpoints: Endpoint[] = [register, confirm, confirmCall, reset, resetCall];
