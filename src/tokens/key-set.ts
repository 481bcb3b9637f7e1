import { createPrivateKey, createPublicKey, createSecretKey, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
import type { Logger, TokenOptions } from '../options.js';
import { sha256 } from './secrets.js';

export type SigningAlgorithm = 'EdDSA' | 'ES256' | 'RS256' | 'HS256';

interface Key {
  kid: string;
  alg: SigningAlgorithm;
  key: KeyObject;
}

/**
 * The access-token keys, imported once at start-up: the first private key signs,
 * every key verifies, selected by `kid`. HS and asymmetric keys are never mixed.
 */
export class KeySet {
  readonly signing: Key;
  readonly algorithms: SigningAlgorithm[];
  private readonly byKid: Map<string, Key>;

  constructor(keys: Key[], signing: Key) {
    this.signing = signing;
    this.byKid = new Map(keys.map((k) => [k.kid, k]));
    this.algorithms = [...new Set(keys.map((k) => k.alg))];
  }

  verificationKey(kid: string | undefined): Key | undefined {
    return kid === undefined ? undefined : this.byKid.get(kid);
  }

  /**
   * A 256-bit key for one purpose, derived (HKDF-SHA256) from the signing key: every instance
   * configured with the same signing key derives the same one, and no two labels share one.
   * Replacing the signing key replaces it too.
   */
  deriveSecret(label: string): Uint8Array {
    const key = this.signing.key;
    const material = key.type === 'secret' ? key.export() : key.export({ format: 'der', type: 'pkcs8' });
    return new Uint8Array(hkdfSync('sha256', material, new Uint8Array(0), `express-auth-providers ${label}`, 32));
  }
}

type JwkInput = Exclude<NonNullable<TokenOptions['signingKeys']>[number], string>;

export function createKeySet(options: TokenOptions, environment: string, logger: Logger): KeySet {
  const configured = options.signingKeys;
  if (!configured) {
    if (environment === 'production') {
      throw new TypeError('createAuth: options.tokens.signingKeys is required in production');
    }
    logger.warn('express-auth-providers: no options.tokens.signingKeys; using an ephemeral key (tokens die with this process)');
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const kid = `ephemeral-${Date.now().toString(36)}`;
    // Like configured keys: the private half signs, the public half verifies.
    return new KeySet([{ kid, alg: 'EdDSA', key: publicKey }], { kid, alg: 'EdDSA', key: privateKey });
  }
  const keys = configured.map((entry, i) => (typeof entry === 'string' ? secretKey(entry, i) : jwkKey(entry, i)));
  if (keys.some((k) => k.alg === 'HS256') && keys.some((k) => k.alg !== 'HS256')) {
    throw new TypeError('createAuth: options.tokens.signingKeys mixes an HS256 secret with asymmetric keys');
  }
  const signing = keys.find((k) => k.alg === 'HS256' || k.key.type === 'private');
  if (!signing) throw new TypeError('createAuth: options.tokens.signingKeys has no private key to sign with');
  // Verification of asymmetric tokens uses the public half only.
  const verifying = keys.map((k) => (k.key.type === 'private' ? { ...k, key: createPublicKey(k.key) } : k));
  return new KeySet(verifying, signing);
}

function secretKey(secret: string, index: number): Key {
  if (Buffer.byteLength(secret) < 32) {
    throw new TypeError(`createAuth: options.tokens.signingKeys.${index}: an HS256 secret needs at least 32 bytes`);
  }
  return { kid: `hs-${sha256(secret).slice(0, 8)}`, alg: 'HS256', key: createSecretKey(Buffer.from(secret)) };
}

function jwkKey(jwk: JwkInput, index: number): Key {
  const path = `options.tokens.signingKeys.${index}`;
  let key: KeyObject;
  try {
    key = jwk.d ? createPrivateKey({ key: jwk as never, format: 'jwk' }) : createPublicKey({ key: jwk as never, format: 'jwk' });
  } catch (err) {
    throw new TypeError(`createAuth: ${path}: not a usable JWK (${(err as Error).message})`);
  }
  const alg = algorithmOf(key);
  if (!alg) throw new TypeError(`createAuth: ${path}: unsupported key type (use Ed25519, P-256 or RSA ≥ 2048 bits)`);
  if (jwk.alg && jwk.alg !== alg) throw new TypeError(`createAuth: ${path}: alg ${jwk.alg} does not match the key (${alg})`);
  return { kid: jwk.kid, alg, key };
}

function algorithmOf(key: KeyObject): SigningAlgorithm | undefined {
  const details = key.asymmetricKeyDetails;
  switch (key.asymmetricKeyType) {
    case 'ed25519':
      return 'EdDSA';
    case 'ec':
      return details?.namedCurve === 'prime256v1' ? 'ES256' : undefined;
    case 'rsa':
      return (details?.modulusLength ?? 0) >= 2048 ? 'RS256' : undefined;
    default:
      return undefined;
  }
}
