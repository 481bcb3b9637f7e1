import { parse as parseQuery, type ParsedUrlQuery } from 'node:querystring';
import fc from 'fast-check';
import { resolveJson } from './bodies.js';
import { extraHeaders, headerSafe, type AuthChoice } from './headers.js';
import { canonicalShape, pathShape, spellPath, type PathShape } from './paths.js';
import type { RawRequest } from './raw-http.js';
import type { Placeholder } from './values.js';
import { bodyChoice, encodeBody, type BodyChoice } from './wire-body.js';

export interface FuzzInput {
  params: Record<string, unknown>;
  path: PathShape;
  query: string;
  auth: AuthChoice;
  body: BodyChoice;
  headers: [string, string][];
}

/** encodeURIComponent, with lone surrogates (which it refuses) sent as U+FFFD. */
export const encodeComponent = (s: string) => encodeURIComponent(Buffer.from(s, 'utf8').toString('utf8'));

/** Query strings: usually none; `link=true` (a login that links), its near misses, and random pairs. */
export const queryString = (extra: fc.Arbitrary<string> = fc.constant('')): fc.Arbitrary<string> =>
  fc.oneof(
    { withCrossShrink: true },
    { weight: 14, arbitrary: fc.constant('') },
    { weight: 2, arbitrary: extra },
    { weight: 1, arbitrary: fc.constantFrom('link=true', 'link=TRUE', 'link=1', 'link', 'link=true&link=true', 'link[]=true', '__proto__=x', 'username=x&password=y', '%', '%zz=1', 'a=%E0%A4') },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 12 })), { maxLength: 3 })
        .map((pairs) => pairs.map(([k, v]) => `${encodeComponent(k)}=${encodeComponent(v)}`).join('&')),
    },
  );

export function fuzzInput(
  route: string,
  parts: {
    params: fc.Arbitrary<Record<string, unknown>>;
    body: fc.Arbitrary<unknown>;
    auth: fc.Arbitrary<AuthChoice>;
    exactAuth: fc.Arbitrary<AuthChoice>;
    query: fc.Arbitrary<string>;
  },
): fc.Arbitrary<FuzzInput> {
  const segments = route.split('/').length - 1;
  // A request as a client sends it (its values still the fixtures', maybe damaged, or hostile): it reaches the handler.
  const wellFormed = fc.record({
    params: parts.params,
    path: fc.constant(canonicalShape(segments)),
    query: fc.constant(''),
    auth: parts.exactAuth,
    body: parts.body.map((value): BodyChoice => ({ t: 'json', value, contentType: 'application/json', encoding: 'identity' })),
    headers: fc.constant<[string, string][]>([]),
  });
  const anything = fc.record({
    params: parts.params,
    path: pathShape(segments),
    query: parts.query,
    auth: parts.auth,
    body: bodyChoice(parts.body),
    headers: extraHeaders,
  });
  return fc.oneof({ weight: 1, arbitrary: wellFormed }, { weight: 2, arbitrary: anything });
}

/** What the server was sent, read back as the routes read it: the oracles judge from these. */
export interface Facts {
  method: string;
  /** The path below the mount, as sent. */
  path: string;
  /** The parameters of the route the path reaches, percent-decoded (set once the route is known). */
  params: Record<string, string> | null;
  query: ParsedUrlQuery;
  /** `Authorization: <scheme> <credential>`, scheme lower-cased; parsed loosely (a superset of what the server accepts). */
  auth: { scheme: string; credential: string } | undefined;
  /** The JSON body as the route sees it (`{}` when it is not JSON); undefined when the JSON parser refuses it. */
  body: unknown;
}

export async function materialize(
  input: FuzzInput,
  endpoint: { method: string; mount: string; route: string },
  resolve: (p: Placeholder) => Promise<string>,
): Promise<{ request: RawRequest; facts: Facts; bodyText: string | undefined }> {
  const params: Record<string, string> = {};
  // Capped so that the request line stays within Node's 16 KiB header limit (a 431 from Node, not from the router).
  for (const [name, value] of Object.entries(input.params)) params[name] = String(await resolveJson(value, resolve)).slice(0, 500);
  const below = spellPath(endpoint.route, params, input.path);
  const headers: Record<string, string> = {};
  for (const [name, value] of input.headers) headers[name] = headerSafe(value);

  const auth = input.auth;
  if (auth.t === 'credential') headers['authorization'] = headerSafe(`${auth.scheme}${auth.separator}${await resolve(auth.value)}`);
  else if (auth.t === 'raw') headers['authorization'] = headerSafe(auth.value);
  const authorization = headers['authorization'];
  let twice: string | undefined;
  if (auth.t !== 'none' && auth.twice !== undefined) {
    // Two Authorization headers: Node keeps the first and drops the second; the answer must not depend on more.
    twice = headerSafe(`Bearer ${await resolve(auth.twice)}`);
  }

  const { bytes, seen, text } = await encodeBody(input.body, resolve, headers);
  const query = input.query.slice(0, 2000); // within Node's header limit, as the parameters are
  const request: RawRequest = {
    method: endpoint.method,
    path: `${endpoint.mount}${below}${query ? `?${query}` : ''}`,
    headers: twice === undefined ? headers : { ...headers, authorization: [authorization!, twice] },
    body: bytes,
  };
  const facts: Facts = {
    method: endpoint.method,
    path: below,
    params: null,
    query: parseQuery(query),
    auth: parseAuthorization(authorization),
    body: seen,
  };
  return { request, facts, bodyText: text };
}

function parseAuthorization(header: string | undefined): Facts['auth'] {
  const m = header === undefined ? null : /^(\S+)[ \t]+(.*)$/s.exec(header.trim());
  return m ? { scheme: m[1]!.toLowerCase(), credential: m[2]!.trim() } : undefined;
}
