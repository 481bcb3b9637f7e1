import type { Facts } from './request.js';
import type { TokenName } from './values.js';
import type { World } from './world.js';

/** Helpers the endpoints' verdicts are written with: each reads the request as sent, leniently where the server may be stricter. */

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A top-level field of the body as the route sees it. */
export const field = (f: Facts, name: string): unknown => (isObject(f.body) && Object.hasOwn(f.body, name) ? f.body[name] : undefined);

/** The fixture token an `Authorization: <scheme> …` header carries, if any. */
export function credentialOf(f: Facts, w: World, scheme: 'bearer' | 'apikey'): TokenName | undefined {
  return f.auth?.scheme === scheme ? w.identify(f.auth.credential) : undefined;
}

/** Access tokens of live sessions of enabled users (carol is disabled). */
export const LIVE_ACCESS: readonly TokenName[] = ['alice.access', 'anon.access', 'server.access'];
export const LIVE_REFRESH: readonly TokenName[] = ['alice.refresh', 'anon.refresh', 'server.refresh'];

/** The holder of a live session the bearer token belongs to. */
export function liveUser(f: Facts, w: World): 'alice' | 'anon' | 'server' | undefined {
  const token = credentialOf(f, w, 'bearer');
  return token && LIVE_ACCESS.includes(token) ? (token.split('.')[0] as 'alice' | 'anon' | 'server') : undefined;
}

/**
 * Whether an address may name an account: the server trims, NFC-normalises and lower-cases;
 * NFKC here is looser still (a "maybe" must never miss a real match).
 */
export function maybeSameEmail(v: unknown, email: string): boolean {
  return typeof v === 'string' && v.trim().normalize('NFKC').toLowerCase() === email;
}

/** Whether an address surely names an account: plain ASCII, equal after trimming and lower-casing. */
export function surelySameEmail(v: unknown, email: string): boolean {
  return typeof v === 'string' && /^[\x00-\x7f]*$/.test(v.trim()) && v.trim().toLowerCase() === email;
}

/** The fixture account an address may name. */
export const maybeAccount = (v: unknown, w: World) => w.accounts.find((a) => maybeSameEmail(v, a.email));

/** Passwords are compared after NFKC. */
export const samePassword = (v: unknown, password: string) => typeof v === 'string' && v.normalize('NFKC') === password.normalize('NFKC');

/** The login envelope (SPEC §4): `options` and `options.device`, when present, must be objects. */
export function envelopeOk(f: Facts): boolean {
  if (!isObject(f.body)) return false;
  const options = f.body['options'];
  if (options === undefined) return true;
  return isObject(options) && (options['device'] === undefined || isObject(options['device']));
}

/** The one parameter value `link=true` (App Services' linking login). */
export const wantsLink = (f: Facts) => f.query['link'] === 'true';
