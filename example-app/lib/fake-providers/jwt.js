import { createHash, generateKeyPairSync, randomUUID, sign, verify } from 'node:crypto';

// The fake providers sign and check their few JWTs with node:crypto alone: RS256 ID tokens
// (as Google and Apple sign them) and Apple's ES256 client secrets.

const encode = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const ES256 = { dsaEncoding: 'ieee-p1363' };

/** A fresh RSA signing key with a kid, and its public JWK set. Made at start, never stored. */
export function newSigningKey() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  return { kid, privateKey, jwks: { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] } };
}

/** A compact JWS of `payload`, RS256 (RSA key) or ES256 (P-256 key). */
export function signJwt(payload, { privateKey, kid, alg = 'RS256' }) {
  const input = `${encode({ alg, kid, typ: 'JWT' })}.${encode(payload)}`;
  const key = alg === 'ES256' ? { key: privateKey, ...ES256 } : privateKey;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/** The header and payload of an ES256 JWT whose signature `publicKey` verifies, or null. */
export function verifyEs256(token, publicKey) {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    if (header.alg !== 'ES256') return null;
    const ok = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key: publicKey, ...ES256 }, Buffer.from(parts[2], 'base64url'));
    return ok ? { header, payload: JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) } : null;
  } catch {
    return null;
  }
}

/** PKCE S256: whether `verifier` hashes to `challenge` (RFC 7636 §4.6). */
export function pkceMatches(verifier, challenge) {
  if (typeof verifier !== 'string' || typeof challenge !== 'string') return false;
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}

/** Seconds since the epoch. */
export const epoch = () => Math.floor(Date.now() / 1000);
