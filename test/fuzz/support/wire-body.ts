import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { hostileJson, hostileString, resolveJson } from './bodies.js';
import { headerSafe } from './headers.js';
import type { Placeholder } from './values.js';

/** How the body goes on the wire. */
export type BodyChoice =
  | { t: 'none' }
  | { t: 'json'; value: unknown; contentType: string; encoding: Encoding }
  | { t: 'text'; text: string; contentType: string | null; encoding: Encoding };

export type Encoding = 'identity' | 'gzip' | 'deflate' | 'br' | 'gzip-garbage' | 'x-unknown';

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/json;charset=UTF-8', 'application/json ; charset="utf-8"'];
const OTHER_TYPES = [
  'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/json; charset=nope', 'text/plain', 'text/json',
  'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/vnd.api+json', 'application/json-patch+json',
  'application/xml', '*/*', 'json', '', 'application/', ';', 'application/json, text/plain',
];
const contentType = fc.oneof({ withCrossShrink: true }, { weight: 12, arbitrary: fc.constantFrom(...JSON_TYPES) }, { weight: 2, arbitrary: fc.constantFrom(...OTHER_TYPES) });
const encoding = fc.oneof(
  { withCrossShrink: true },
  { weight: 16, arbitrary: fc.constant('identity' as const) },
  { weight: 1, arbitrary: fc.constantFrom<Encoding>('gzip', 'deflate', 'br', 'gzip-garbage', 'x-unknown') },
);

/** Text that is almost JSON, or not at all: truncated, duplicated keys, bare values, forms, a BOM, deep brackets. */
const rawText = fc.oneof(
  hostileString,
  hostileJson.map((v) => JSON.stringify(v) ?? 'undefined'),
  fc.tuple(hostileJson, fc.nat()).map(([v, n]) => {
    const text = JSON.stringify(v) ?? '';
    return text.slice(0, n % (text.length + 1));
  }),
  fc.constantFrom(
    '{"username":"a@b.c","username":{"$ne":null},"password":{"$gt":""}}',
    '{"key":"x","key":{"$regex":".*"}}',
    '{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}',
    '\uFEFF{}', '{}', '[]', '42', '"x"', 'null', 'true', '{', '}', '{"a":1,}', "{'a':1}", '{"a":NaN}', '{"a":1e99999}',
    'username=alice&password=x', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--', '\u0000', ' \n\t ',
    `${'['.repeat(5000)}${']'.repeat(5000)}`, `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`,
  ),
);

/** Bodies: mostly the endpoint's JSON (shaped or hostile) as JSON; sometimes other text, other types, or none. */
export const bodyChoice = (json: fc.Arbitrary<unknown>): fc.Arbitrary<BodyChoice> =>
  fc.oneof(
    { withCrossShrink: true },
    { weight: 14, arbitrary: fc.record({ t: fc.constant('json' as const), value: json, contentType, encoding }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('text' as const), text: rawText, contentType: fc.option(contentType, { freq: 6 }), encoding }) },
    { weight: 1, arbitrary: fc.constant({ t: 'none' as const }) },
  );

/** Writes the body, its Content-Type and Content-Encoding; says what the route will read from it. */
export async function encodeBody(body: BodyChoice, resolve: (p: Placeholder) => Promise<string>, headers: Record<string, string>) {
  if (body.t === 'none') return { bytes: undefined, seen: {}, text: undefined };
  const text = body.t === 'json' ? (JSON.stringify(await resolveJson(body.value, resolve)) ?? 'null') : body.text;
  const plain = Buffer.from(text, 'utf8');
  if (body.contentType !== null) headers['content-type'] = headerSafe(body.contentType);
  let bytes = plain;
  let decodable = true;
  switch (body.encoding) {
    case 'identity':
      break;
    case 'gzip':
      bytes = gzipSync(plain);
      break;
    case 'deflate':
      bytes = deflateSync(plain);
      break;
    case 'br':
      bytes = brotliCompressSync(plain);
      break;
    case 'gzip-garbage':
      decodable = false;
      break;
    case 'x-unknown':
      decodable = false;
      break;
  }
  if (body.encoding !== 'identity') headers['content-encoding'] = body.encoding === 'gzip-garbage' ? 'gzip' : body.encoding;
  return { bytes, seen: seenByRoute(headers['content-type'], decodable, text), text };
}

/**
 * The body a route gets: express.json() parses only `application/json` (any case), and the
 * routes read a missing or empty body as `{}`. A charset not starting `utf-` is a 415; another
 * UTF than UTF-8 decodes these UTF-8 bytes into text that is not JSON. Where the parser
 * refuses (that, an encoding it cannot undo, text that is not a JSON object or array) the
 * answer is a 4xx: undefined.
 */
function seenByRoute(contentType: string | undefined, decodable: boolean, text: string): unknown {
  const [media = '', ...params] = (contentType ?? '').split(';');
  if (media.trim().toLowerCase() !== 'application/json') return {};
  const charset = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('charset='))?.replace(/^charset="?([^"]*)"?$/, '$1');
  if (charset !== undefined && !charset.startsWith('utf-')) return undefined;
  if (!decodable) return undefined;
  if (charset !== undefined && charset !== 'utf-8') return text.length === 0 ? {} : undefined;
  const json = text.replace(/^\uFEFF/, '');
  if (json.length === 0) return {};
  if (!/^[\x20\t\n\r]*[[{]/.test(json)) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}
