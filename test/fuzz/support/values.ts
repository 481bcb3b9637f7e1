import fc from 'fast-check';

/** What the fixtures hold that a request may name: live tokens, keys, ids, addresses, passwords, one-time tokens. */
export const TOKEN_NAMES = [
  'alice.access',
  'alice.refresh',
  'anon.access',
  'anon.refresh',
  'server.access',
  'server.refresh',
  'carol.access',
  'carol.refresh',
  'alice.apiKey',
  'server.apiKey',
  'customToken',
] as const;
export type TokenName = (typeof TOKEN_NAMES)[number];
/** The tokens that are JWTs: the same signature may be spelled in more than one way. */
export const JWT_NAMES = ['alice.access', 'anon.access', 'server.access', 'carol.access', 'customToken'] as const satisfies readonly TokenName[];
export type JwtName = (typeof JWT_NAMES)[number];

export type RefName =
  | TokenName
  | 'alice.id'
  | 'anon.id'
  | 'server.id'
  | 'carol.id'
  | 'alice.email'
  | 'carol.email'
  | 'bob.email'
  | 'alice.password'
  | 'carol.password'
  | 'bob.password'
  | 'alice.keyId'
  | 'server.keyId'
  | 'alice.userpassId'
  | 'anon.identityId'
  | 'confirm.token'
  | 'confirm.tokenId'
  | 'reset.token'
  | 'reset.tokenId'
  | 'employee';

/** How a real value is damaged before it is sent: the near misses that parsers and comparisons get wrong. */
export type Mutation =
  | { op: 'truncate'; at: number }
  | { op: 'flip'; at: number; bit: number }
  | { op: 'case'; at: number }
  | { op: 'drop'; at: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'append'; text: string }
  | { op: 'double' }
  | { op: 'part'; part: number; action: 'drop' | 'empty' | 'swap' | 'repeat' };

/** What a Placeholder needs from the fixtures to become a string. */
export interface ValueSource {
  value(name: RefName): string;
  forge(base: JwtName, forge: Forge): Promise<string>;
}

/** Tampered JWTs that must never verify: switched algorithms, keys confused, claims edited under the old signature. */
export type Forge =
  | { kind: 'alg'; alg: string; signature: 'keep' | 'empty' }
  | { kind: 'hmac-with-public-key'; alg: 'HS256' | 'HS384' | 'HS512'; secret: 'jwk' | 'pem' | 'x' }
  | { kind: 'claims'; set: Record<string, unknown> }
  | { kind: 'header'; set: Record<string, unknown> }
  | { kind: 'embedded-jwk' }
  | { kind: 'other-key' };

/** A value resolved per request against the current fixtures (they are rebuilt as the fuzzer spends them). */
export abstract class Placeholder {
  abstract resolve(source: ValueSource): string | Promise<string>;
}

export class Ref extends Placeholder {
  constructor(
    readonly name: RefName,
    readonly mutation: Mutation | null = null,
  ) {
    super();
  }
  resolve(source: ValueSource): string {
    const value = source.value(this.name);
    return this.mutation ? mutate(value, this.mutation) : value;
  }
  [fc.toStringMethod](): string {
    return `ref(${this.name}${this.mutation ? `, ${JSON.stringify(this.mutation)}` : ''})`;
  }
}

export class Forged extends Placeholder {
  constructor(
    readonly base: JwtName,
    readonly forge: Forge,
  ) {
    super();
  }
  resolve(source: ValueSource): Promise<string> {
    return source.forge(this.base, this.forge);
  }
  [fc.toStringMethod](): string {
    return `forged(${this.base}, ${JSON.stringify(this.forge)})`;
  }
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function mutate(value: string, m: Mutation): string {
  const at = (i: number) => (value.length ? i % value.length : 0);
  switch (m.op) {
    case 'truncate':
      return value.slice(0, at(m.at));
    case 'flip': {
      // A bit of the decoded bytes for base64url characters; of the character code otherwise.
      const i = at(m.at);
      const c = value[i] ?? 'A';
      const b = B64URL.indexOf(c);
      const flipped = b >= 0 ? B64URL[b ^ (1 << (m.bit % 6))]! : String.fromCharCode(c.charCodeAt(0) ^ (1 << (m.bit % 7)));
      return value.slice(0, i) + flipped + value.slice(i + 1);
    }
    case 'case': {
      const i = at(m.at);
      const c = value[i] ?? '';
      const swapped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
      return value.slice(0, i) + swapped + value.slice(i + 1);
    }
    case 'drop':
      return value.slice(0, at(m.at)) + value.slice(at(m.at) + 1);
    case 'insert':
      return value.slice(0, at(m.at)) + m.text + value.slice(at(m.at));
    case 'append':
      return value + m.text;
    case 'double':
      return value + value;
    case 'part': {
      const parts = value.split('.');
      const i = m.part % parts.length;
      if (m.action === 'drop') parts.splice(i, 1);
      else if (m.action === 'empty') parts[i] = '';
      else if (m.action === 'repeat') parts.splice(i, 0, parts[i]!);
      else [parts[i], parts[0]] = [parts[0]!, parts[i]!];
      return parts.join('.');
    }
  }
}

const position = fc.nat({ max: 4096 });
const nearMissText = fc.constantFrom('=', '==', '.', ' ', '\t', '\n', 'A', '%00', '\u0000', '..', '+', '/', 'é', '€', '\u200b', '"', '\\');

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: position }),
  fc.record({ op: fc.constant('flip' as const), at: position, bit: fc.nat({ max: 6 }) }),
  fc.record({ op: fc.constant('case' as const), at: position }),
  fc.record({ op: fc.constant('drop' as const), at: position }),
  fc.record({ op: fc.constant('insert' as const), at: position, text: nearMissText }),
  fc.record({ op: fc.constant('append' as const), text: nearMissText }),
  fc.constant({ op: 'double' as const }),
  fc.record({ op: fc.constant('part' as const), part: fc.nat({ max: 3 }), action: fc.constantFrom('drop', 'empty', 'swap', 'repeat') }),
);

/** A fixture's value: as it is (most often) or damaged. */
export const ref = (name: RefName): fc.Arbitrary<Ref> =>
  fc.oneof({ withCrossShrink: true }, { weight: 3, arbitrary: fc.constant(new Ref(name)) }, { weight: 2, arbitrary: mutation.map((m) => new Ref(name, m)) });

export const refOf = (...names: RefName[]): fc.Arbitrary<Ref> => fc.constantFrom(...names).chain(ref);

const forge: fc.Arbitrary<Forge> = fc.oneof(
  fc.record({ kind: fc.constant('alg' as const), alg: fc.constantFrom('none', 'None', 'NONE', 'nOnE', 'HS256', 'RS256', 'ES256', 'PS256', 'EdDSA', 'Ed25519', ''), signature: fc.constantFrom('keep' as const, 'empty' as const) }),
  fc.record({ kind: fc.constant('hmac-with-public-key' as const), alg: fc.constantFrom('HS256' as const, 'HS384' as const, 'HS512' as const), secret: fc.constantFrom('jwk' as const, 'pem' as const, 'x' as const) }),
  fc.record({
    kind: fc.constant('claims' as const),
    set: fc.dictionary(fc.constantFrom('sub', 'sid', 'exp', 'iat', 'nbf', 'aud', 'iss', 'typ', 'utp', 'prv', 'anon'), fc.oneof(fc.constantFrom<unknown>('server', 'refresh', 'admin', 9_999_999_999, 0, -1, null, true, { $ne: null }, ['anon-user'], []), fc.string({ maxLength: 8 })), { maxKeys: 3 }),
  }),
  fc.record({
    kind: fc.constant('header' as const),
    set: fc.dictionary(fc.constantFrom('kid', 'jku', 'x5u', 'crit', 'b64', 'typ', 'cty', 'zip'), fc.constantFrom<unknown>('../../../dev/null', '', 'https://evil.test/jwks.json', ['exp'], false, 'JWT', 'at+jwt', { $ne: null }, 0, 'DEF'), { maxKeys: 2 }),
  }),
  fc.constant({ kind: 'embedded-jwk' as const }),
  fc.constant({ kind: 'other-key' as const }),
);

export const forged = (...bases: JwtName[]): fc.Arbitrary<Forged> =>
  fc.tuple(fc.constantFrom(...bases), forge).map(([base, f]) => new Forged(base, f));
