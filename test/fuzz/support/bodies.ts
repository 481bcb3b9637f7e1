import fc from 'fast-check';
import { Placeholder, refOf } from './values.js';

/** Field names the routes read: a hostile body is most interesting where a route looks. */
const FIELD_NAMES = [
  'username', 'password', 'email', 'token', 'tokenId', 'key', 'name', 'employeeId', 'options', 'device',
  'arguments', 'id', '_id', 'user_id', 'type', 'disabled', 'custom_data', 'status', 'confirmed', 'providers',
];

const hostileKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...FIELD_NAMES) },
  { weight: 2, arbitrary: fc.constantFrom('$ne', '$gt', '$gte', '$in', '$nin', '$regex', '$where', '$expr', '$exists', '$set', '$unset', '$function', '$', '$$ROOT') },
  { weight: 2, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__') },
  { weight: 2, arbitrary: fc.constantFrom('a.b', 'data.email', 'email.address', 'device.$x', '$.x', '.', '..', '.a', 'a.', '', ' ', '\u0000', 'x\u0000y') },
  { weight: 2, arbitrary: fc.string({ maxLength: 10 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
);

const SPECIAL_STRINGS = [
  '', ' ', '\t', '\n', '\u0000', '\uD800', '\uDFFF', '\uFEFF', '\u200B', 'null', 'true', '0', '-1', '1e309', 'NaN',
  '[object Object]', '{"$ne":null}', '$ne', '$where', 'this.password', "' OR '1'='1", '../../etc/passwd', '%00', '%2e%2e',
  '<script>alert(1)</script>', '${7*7}', '__proto__', 'constructor', 'a@b', '@', '@@', 'a@', '@b', ' A@B.C ', 'x@y\u0000z',
  'admin@fuzz.test', 'eapk_', 'eyJhbGciOiJub25lIn0.e30.', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.', 'Bearer', 'undefined',
  '\u212Aelvin@fuzz.test', 'ｌocal-userpass', 'e\u0301', 'ﬁ', 'ＡＢＣ', '🙂🙂🙂', 'emp-1', 'emp-2', 'emp-crash', 'emp-suspended',
  'password', 'Password1', '12345678', 'correct horse battery staple', 'a'.repeat(128), 'a'.repeat(129), 'a'.repeat(255), 'a'.repeat(257),
  '0'.repeat(24), 'f'.repeat(24), 'ffffffffffffffffffffffff.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
];

/** Strings longer than the body limit (16 KiB) or the field limits, made of one- to four-byte characters. */
const hugeString = fc
  .tuple(fc.constantFrom('a', 'é', '€', '🙂', '\u0000', '"', '\\'), fc.integer({ min: 300, max: 20_000 }))
  .map(([c, n]) => c.repeat(n));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
  { weight: 1, arbitrary: hugeString },
);

/** Nesting far beyond what a store may accept (MongoDB refuses documents over 100 levels deep). */
const deep = fc
  .tuple(fc.integer({ min: 20, max: 1500 }), fc.constantFrom('array', 'object'), fc.constantFrom('x', '$x', 'a.b'))
  .map(([depth, kind, key]) => {
    let value: unknown = 'bottom';
    for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { [key]: value };
    return value;
  });

const number = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1, -1, 2 ** 53 + 1, 1e308, -1e308, 5e-324, 0.1),
);

/** Values a real fixture stands for, so hostile bodies also carry real tokens, keys, ids and addresses in odd places. */
const fixtureValue = refOf('alice.email', 'alice.password', 'alice.apiKey', 'customToken', 'alice.id', 'alice.keyId', 'employee', 'confirm.token', 'reset.token');

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 2, arbitrary: number },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fixtureValue },
);

/** Anything JSON can carry: operator and dotted keys, prototype keys, wrong types, deep nesting and huge strings. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ json: unknown; array: unknown[]; object: Record<string, unknown> }>((tie) => ({
  json: fc.oneof(
    { maxDepth: 4, depthSize: 'small' },
    { weight: 6, arbitrary: leaf },
    { weight: 2, arbitrary: tie('array') },
    { weight: 3, arbitrary: tie('object') },
    { weight: 1, arbitrary: deep },
  ),
  array: fc.array(tie('json'), { maxLength: 4 }),
  object: fc.array(fc.tuple(hostileKey, tie('json')), { maxLength: 5 }).map(objectOf),
})).json;

/** Object.fromEntries defines `__proto__` as an own key, as JSON.parse would: the key goes on the wire. */
function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  return Object.fromEntries(entries);
}

/** A JSON object of hostile keys and values. */
export const hostileObject = fc.array(fc.tuple(hostileKey, hostileJson), { maxLength: 5 }).map(objectOf);

/** The login envelope App Services clients add (`options.device`), well formed or not. */
const envelope = fc.oneof(
  { weight: 3, arbitrary: fc.record({ device: fc.dictionary(fc.constantFrom('appId', 'platform', 'sdkVersion', 'deviceId'), fc.string({ maxLength: 12 }), { maxKeys: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ device: hostileObject }) },
  { weight: 2, arbitrary: hostileJson },
);

const MISSING = Symbol('missing');

/**
 * A body shaped like what the route reads: each field its good value (a fixture, maybe
 * damaged), anything at all, or absent; sometimes with the login envelope and extra keys.
 */
export function shapedBody(fields: Record<string, fc.Arbitrary<unknown>>, opts: { envelope?: boolean } = {}): fc.Arbitrary<unknown> {
  const field = (good: fc.Arbitrary<unknown>) =>
    fc.oneof({ withCrossShrink: true }, { weight: 6, arbitrary: good }, { weight: 2, arbitrary: hostileJson }, { weight: 1, arbitrary: fc.constant<unknown>(MISSING) });
  const shaped = fc
    .record({
      fields: fc.record(Object.fromEntries(Object.entries(fields).map(([k, good]) => [k, field(good)]))),
      options: opts.envelope ? fc.option(envelope, { freq: 2, nil: MISSING }) : fc.constant<unknown>(MISSING),
      extra: fc.array(fc.tuple(hostileKey, hostileJson), { maxLength: 2 }),
    })
    .map(({ fields: f, options, extra }) => {
      const body: [string, unknown][] = [...extra, ...Object.entries(f).filter(([, v]) => v !== MISSING)];
      if (options !== MISSING) body.push(['options', options]);
      return objectOf(body);
    });
  return fc.oneof({ weight: 6, arbitrary: shaped }, { weight: 2, arbitrary: hostileJson });
}

/** Replaces the placeholders in a generated JSON value by the fixtures' current values. */
export async function resolveJson(value: unknown, resolve: (p: Placeholder) => Promise<string>): Promise<unknown> {
  if (value instanceof Placeholder) return resolve(value);
  if (Array.isArray(value)) return Promise.all(value.map((v) => resolveJson(v, resolve)));
  if (typeof value === 'object' && value !== null) {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveJson(v, resolve)] as [string, unknown]));
    return objectOf(entries);
  }
  return value;
}
