import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

/** A signing key generated at test start, with its public JWK. */
export interface TestKey {
  alg: string;
  kid: string;
  privateKey: CryptoKey | Uint8Array;
  publicJwk: JWK & { kty: 'RSA' | 'EC' | 'OKP'; kid: string };
  /** The public key as PEM (SPKI), for asymmetric keys. */
  publicPem?: string;
}

export async function asymmetricKey(alg: 'RS256' | 'ES256' | 'EdDSA', kid: string, modulusLength = 2048): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength } : {}) });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } as TestKey['publicJwk'];
  const { createPublicKey } = await import('node:crypto');
  const publicPem = createPublicKey({ key: publicJwk as never, format: 'jwk' }).export({ format: 'pem', type: 'spki' }).toString();
  return { alg, kid, privateKey, publicJwk, publicPem };
}

/** An HS256 secret of 32 random bytes as a string (a key as App Services configures it). */
export function hmacSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** A token signed with a key; `claims` are added as given (undefined values dropped), `header` extends the protected header. */
export function signToken(
  key: { alg: string; kid?: string | undefined; privateKey: CryptoKey | Uint8Array },
  claims: JWTPayload,
  header: Record<string, unknown> = {},
): Promise<string> {
  const payload = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
  return new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, ...(key.kid !== undefined ? { kid: key.kid } : {}), typ: 'JWT', ...header })
    .sign(key.privateKey);
}

/** base64url of a JSON value, for hand-built (hostile) tokens. */
export const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
