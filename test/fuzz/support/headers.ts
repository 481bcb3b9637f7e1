import fc from 'fast-check';
import { hostileString } from './bodies.js';
import { forged, JWT_NAMES, Ref, ref, TOKEN_NAMES, type Placeholder, type TokenName } from './values.js';

/** The Authorization header: none, a fixture's token or key (maybe damaged) under some scheme, a forged JWT, or garbage. */
export type AuthChoice =
  | { t: 'none' }
  | { t: 'credential'; scheme: string; separator: string; value: Placeholder; twice?: Placeholder | undefined }
  | { t: 'raw'; value: string; twice?: Placeholder | undefined };

/** Sometimes a second Authorization header, carrying another fixture's token. */
const twice = fc.option(fc.constantFrom(...TOKEN_NAMES).map((name) => new Ref(name)), { freq: 15, nil: undefined });

const scheme = fc.oneof(
  { weight: 12, arbitrary: fc.constant('Bearer') },
  { weight: 2, arbitrary: fc.constant('ApiKey') },
  { weight: 2, arbitrary: fc.constantFrom('bearer', 'BEARER', 'bEaReR', 'apikey', 'APIKEY', 'Basic', 'Token', 'JWT', 'Digest', 'Bearer,', 'Bearer:', '') },
);
const separator = fc.oneof({ weight: 12, arbitrary: fc.constant(' ') }, { weight: 1, arbitrary: fc.constantFrom('  ', '\t', '', ' \t', '=', ':') });

/**
 * Authorization headers, favouring the credentials the endpoint reads (`prefer`) but
 * sending every other fixture's too: a refresh token where an access token belongs, a user's
 * key on an admin route, a disabled user's still-signed token.
 */
export function authChoice(prefer: readonly TokenName[] = []): fc.Arbitrary<AuthChoice> {
  const credential = fc.oneof(
    ...(prefer.length ? [{ weight: 6, arbitrary: fc.constantFrom(...prefer).chain(ref) }] : []),
    { weight: 3, arbitrary: fc.constantFrom(...TOKEN_NAMES).chain(ref) },
    { weight: 2, arbitrary: forged(...JWT_NAMES) },
  );
  const exact = exactCredential(prefer);
  return fc.oneof(
    { withCrossShrink: true },
    { weight: 3, arbitrary: fc.constant({ t: 'none' as const }) },
    { weight: 5, arbitrary: exact },
    { weight: 8, arbitrary: fc.record({ t: fc.constant('credential' as const), scheme, separator, value: credential, twice }) },
    {
      weight: 2,
      arbitrary: fc.record({
        t: fc.constant('raw' as const),
        twice,
        value: fc.oneof(hostileString, fc.constantFrom('Bearer', 'Bearer ', 'ApiKey', 'Basic YWxpY2U6cGFzc3dvcmQ=', 'Bearer null', 'Bearer undefined', 'Bearer a.b.c', 'Bearer ....', 'Bearer ==')),
      }),
    },
  );
}

/** A fixture's credential exactly as a client sends it, mostly the first of `prefer` (the one the endpoint admits). */
export function exactCredential(prefer: readonly TokenName[]): fc.Arbitrary<AuthChoice> {
  const names = prefer.length ? prefer : TOKEN_NAMES;
  const name = fc.oneof({ weight: 2, arbitrary: fc.constant(names[0]!) }, { weight: 1, arbitrary: fc.constantFrom(...names) });
  return name.map((n) => ({ t: 'credential' as const, scheme: n.endsWith('apiKey') ? 'ApiKey' : 'Bearer', separator: ' ', value: new Ref(n) }));
}

/** Headers beside the ones a route reads: proxies, browsers, overrides, and names no one expects. */
export const extraHeaders: fc.Arbitrary<[string, string][]> = fc.array(
  fc.oneof(
    fc.tuple(fc.constant('x-forwarded-for'), fc.constantFrom('1.2.3.4', '::1', 'garbage', '1.2.3.4, 5.6.7.8', '', '127.0.0.1')),
    fc.tuple(fc.constant('origin'), fc.constantFrom('https://evil.test', 'null', 'https://app.test', '')),
    fc.tuple(fc.constant('sec-fetch-site'), fc.constantFrom('cross-site', 'same-origin', 'none', 'garbage')),
    fc.tuple(fc.constant('cookie'), fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('access_token=x; refresh_token=y', '__proto__=1'))),
    fc.tuple(fc.constant('x-http-method-override'), fc.constantFrom('DELETE', 'PUT', 'GET', 'PATCH')),
    fc.tuple(fc.constantFrom('accept', 'accept-encoding', 'accept-charset'), fc.constantFrom('text/html', '*/*', 'application/xml', 'gzip', 'br', 'identity;q=0', 'utf-16')),
    fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/).filter((n) => !RESERVED.has(n)), fc.string({ maxLength: 60 })),
  ),
  { maxLength: 3 },
);

/** Headers the harness sets itself (framing, the body's type, the credential): never drawn at random. */
const RESERVED = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'expect', 'upgrade', 'content-type', 'content-encoding', 'authorization', 'te', 'trailer', 'keep-alive']);

/**
 * Node refuses to send control characters and code points above U+00FF in a header: they are
 * replaced. Values are capped at 4 KiB, below Node's 16 KiB limit for all headers (a 431 from
 * Node is not an answer of the router).
 */
export const headerSafe = (value: string) => value.replace(/[^\t\x20-\x7e]/g, '?').slice(0, 4096);
