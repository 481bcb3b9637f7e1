/**
 * App Services' SDKs send request bodies as canonical Extended JSON (realm-web serialises with
 * `relaxed: false`): a number arrives as `{ "$numberInt": "3" }`, the device id it stored from a
 * login as `{ "$oid": "…" }`. App Services decoded them; so does this, into the plain JSON the
 * native routes read. Only the types such bodies carry are decoded; any other `$` document is
 * left as it is, for the route's own validation to judge.
 */

// Deeper than any body these routes read; the rest is passed on as it is.
const MAX_DEPTH = 64;

export function fromCanonicalEjson(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => fromCanonicalEjson(item, depth + 1));
  const decoded = decodeWrapper(value as Record<string, unknown>);
  if (decoded !== NOT_A_WRAPPER) return decoded;
  const plain: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) plain[key] = fromCanonicalEjson(item, depth + 1);
  return plain;
}

const NOT_A_WRAPPER = Symbol('not an Extended JSON wrapper');

function decodeWrapper(doc: Record<string, unknown>): unknown {
  const keys = Object.keys(doc);
  if (keys.length !== 1) return NOT_A_WRAPPER;
  const [key] = keys as [string];
  const inner = doc[key];
  switch (key) {
    case '$oid':
      return typeof inner === 'string' && /^[0-9a-fA-F]{24}$/.test(inner) ? inner.toLowerCase() : NOT_A_WRAPPER;
    case '$numberInt':
    case '$numberDouble':
      return finiteNumber(inner);
    case '$numberLong': {
      // Beyond 2^53 a number would lose digits: the exact digits are kept as a string.
      if (typeof inner !== 'string' || !/^-?\d{1,20}$/.test(inner)) return NOT_A_WRAPPER;
      const n = Number(inner);
      return Number.isSafeInteger(n) ? n : inner;
    }
    case '$numberDecimal':
      return typeof inner === 'string' ? inner : NOT_A_WRAPPER;
    case '$date':
      return dateOf(inner);
    default:
      return NOT_A_WRAPPER;
  }
}

function finiteNumber(inner: unknown): unknown {
  if (typeof inner !== 'string' || inner.trim() === '') return NOT_A_WRAPPER;
  const n = Number(inner);
  return Number.isFinite(n) ? n : NOT_A_WRAPPER;
}

/** `{ "$date": { "$numberLong": "ms" } }` (canonical) or `{ "$date": "ISO" }` (relaxed) as an ISO string. */
function dateOf(inner: unknown): unknown {
  const ms =
    typeof inner === 'string'
      ? Date.parse(inner)
      : typeof inner === 'object' && inner !== null && typeof (inner as { $numberLong?: unknown }).$numberLong === 'string'
        ? Number((inner as { $numberLong: string }).$numberLong)
        : Number.NaN;
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : NOT_A_WRAPPER;
}
