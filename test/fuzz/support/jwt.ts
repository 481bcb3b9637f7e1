import { createHmac, createPublicKey } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { Forge } from './values.js';

const json = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

let attacker: Promise<{ privateKey: CryptoKey; publicJwk: JWK }> | undefined;
/** A key of someone else's: tokens it signs carry valid signatures, by the wrong key. */
const attackerKey = () =>
  (attacker ??= generateKeyPair('EdDSA', { extractable: true }).then(async ({ privateKey, publicKey }) => ({ privateKey, publicJwk: await exportJWK(publicKey) })));

/** Tampers with a real JWT (`token`, whose signer's public key is `publicJwk`) as `forge` says. */
export async function forgeJwt(token: string, publicJwk: JWK, forge: Forge): Promise<string> {
  const [h = '', p = '', s = ''] = token.split('.');
  const header = json(h);
  const payload = json(p);
  switch (forge.kind) {
    case 'alg':
      return `${encode({ ...header, alg: forge.alg })}.${p}.${forge.signature === 'keep' ? s : ''}`;
    case 'hmac-with-public-key': {
      // The classic confusion: the verifier's public key used as an HMAC secret.
      const input = `${encode({ ...header, alg: forge.alg })}.${p}`;
      const secret =
        forge.secret === 'jwk'
          ? JSON.stringify(publicJwk)
          : forge.secret === 'pem'
            ? createPublicKey({ key: publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString()
            : String(publicJwk.x ?? publicJwk.n);
      return `${input}.${createHmac(`sha${forge.alg.slice(2)}`, secret).update(input).digest('base64url')}`;
    }
    case 'claims':
      return `${h}.${encode({ ...payload, ...forge.set })}.${s}`;
    case 'header':
      return `${encode({ ...header, ...forge.set })}.${p}.${s}`;
    case 'embedded-jwk':
    case 'other-key': {
      const key = await attackerKey();
      const extra = forge.kind === 'embedded-jwk' ? { jwk: key.publicJwk } : {};
      return new SignJWT(payload).setProtectedHeader({ ...header, alg: 'EdDSA', ...extra }).sign(key.privateKey);
    }
  }
}

/**
 * Whether `candidate` is `token` spelled otherwise: the same header and payload text (the
 * signature covers them as written) and a signature that decodes to the same bytes. jose on
 * Node 20 decodes base64url with atob, which skips whitespace and accepts `=` padding and
 * non-zero trailing bits, so such a spelling verifies like the original.
 */
export function sameSignedToken(candidate: string, token: string): boolean {
  if (candidate === token) return true;
  const a = candidate.split('.');
  const b = token.split('.');
  if (a.length !== 3 || b.length !== 3 || a[0] !== b[0] || a[1] !== b[1]) return false;
  const sa = decodeLikeJose(a[2]!);
  const sb = decodeLikeJose(b[2]!);
  return sa !== undefined && sb !== undefined && sa === sb;
}

function decodeLikeJose(part: string): string | undefined {
  if (part.includes('+') || part.includes('/')) return undefined;
  try {
    return atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return undefined;
  }
}
