import fc from 'fast-check';

/** How one path segment is written on the wire. */
export type Spelling = 'canonical' | 'encode-all' | 'encode-all-lower' | 'raw' | 'double-encode' | 'malformed' | 'upper' | 'mixed';

export interface PathShape {
  /** One per segment of the route. */
  spellings: Spelling[];
  /** A segment slipped in: empty (a double slash), dot segments, encoded dots and slashes. */
  extra: { at: number; segment: string } | null;
  trailingSlash: boolean;
}

const odd: fc.Arbitrary<Spelling> = fc.constantFrom('encode-all', 'encode-all-lower', 'raw', 'double-encode', 'malformed', 'upper', 'mixed');
const spelling = fc.oneof({ withCrossShrink: true }, { weight: 3, arbitrary: fc.constant<Spelling>('canonical') }, { weight: 1, arbitrary: odd });

/** Mostly the route as written (so requests reach the handlers); one in five spelled otherwise. */
export const canonicalShape = (segments: number): PathShape => ({ spellings: Array<Spelling>(segments).fill('canonical'), extra: null, trailingSlash: false });

export const pathShape = (segments: number): fc.Arbitrary<PathShape> => {
  const canonical = fc.constant(canonicalShape(segments));
  const spelled = fc.record({
    spellings: fc.array(spelling, { minLength: segments, maxLength: segments }),
    extra: fc.option(
      fc.record({ at: fc.nat({ max: segments }), segment: fc.constantFrom('', '.', '..', '%2e', '%2E%2E', '%2F', '.%2F', '%5C', '~', ';') }),
      { freq: 3 },
    ),
    trailingSlash: fc.boolean(),
  });
  return fc.oneof({ withCrossShrink: true }, { weight: 4, arbitrary: canonical }, { weight: 1, arbitrary: spelled });
};

const hex = (b: number, lower = false) => {
  const h = b.toString(16).padStart(2, '0');
  return `%${lower ? h : h.toUpperCase()}`;
};
const encodeBytes = (s: string, keep: (c: string) => boolean, lower = false) =>
  [...s].map((c) => (keep(c) ? c : [...Buffer.from(c, 'utf8')].map((b) => hex(b, lower)).join(''))).join('');
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
// Printable ASCII that may stand unescaped in a path segment ('/', '?', '#' would change what the URL means).
const RAW_OK = /^[\x21-\x7e]$/;

function spell(value: string, how: Spelling, literal: boolean): string {
  switch (how) {
    case 'canonical':
      return literal ? value : encodeBytes(value, (c) => UNRESERVED.test(c));
    case 'encode-all':
      return encodeBytes(value, () => false);
    case 'encode-all-lower':
      return encodeBytes(value, () => false, true);
    case 'raw':
      return encodeBytes(value, (c) => RAW_OK.test(c) && c !== '/' && c !== '?' && c !== '#');
    case 'double-encode':
      return encodeBytes(value, () => false).replaceAll('%', '%25');
    case 'malformed':
      return `${spell(value, 'canonical', literal)}${['%', '%G0', '%E0%A4', '%C0%AF', '%FF', '%u0041'][value.length % 6]}`;
    case 'upper':
      return spell(value.toUpperCase(), 'canonical', literal);
    case 'mixed':
      return spell([...value].map((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase())).join(''), 'canonical', literal);
  }
}

/** The path (below the mount) of a route such as `/api_keys/:id/enable`, its parameters filled in and spelled as `shape` says. */
export function spellPath(route: string, params: Record<string, string>, shape: PathShape): string {
  const segments = route.split('/').slice(1).map((seg, i) => {
    const literal = !seg.startsWith(':');
    return spell(literal ? seg : params[seg.slice(1)]!, shape.spellings[i] ?? 'canonical', literal);
  });
  if (shape.extra) segments.splice(Math.min(shape.extra.at, segments.length), 0, shape.extra.segment);
  return `/${segments.join('/')}${shape.trailingSlash ? '/' : ''}`;
}

export type RouteMatch = { params: Record<string, string> } | 'no-match' | 'malformed';

/**
 * Whether Express would hand a raw path to this route, and with what parameters. Express 5
 * (router 2, path-to-regexp 8) matches the raw path case-insensitively, allows one trailing
 * slash, never resolves dot segments, and percent-decodes parameters (a bad escape is a 400).
 */
export function matchRoute(rawPath: string, route: string): RouteMatch {
  const path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
  const got = path.split('/');
  const want = route.split('/');
  if (got.length !== want.length) return 'no-match';
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (!w.startsWith(':')) {
      if (g.toLowerCase() !== w.toLowerCase()) return 'no-match';
      continue;
    }
    if (g === '') return 'no-match';
    try {
      params[w.slice(1)] = decodeURIComponent(g);
    } catch {
      return 'malformed';
    }
  }
  return { params };
}
