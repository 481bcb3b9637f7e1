import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import type { JWSHeaderParameters } from 'jose';
import { isHmacAlgorithm, type ProviderOptions } from '../../options.js';
import type { KeySource } from '../../tokens/key-source.js';

type Options = ProviderOptions['custom-token'];
type Algorithm = Options['algorithms'][number];
type KeyInput = NonNullable<Options['keys']>[number];

interface StaticKey {
  kid: string | undefined;
  /** The configured algorithms this key can verify. */
  algorithms: Algorithm[];
  key: KeyObject;
}

/**
 * The configured keys, imported once at start-up. A token's `kid` selects the keys with that
 * `kid`; a token without one (or with a `kid` no key has) is tried against the keys that have
 * none, as App Services' unnamed signing keys are.
 */
export function staticKeySource(options: Options): KeySource {
  const keys = (options.keys ?? []).map((input, i) => importKey(input, i, options.algorithms));
  return {
    async keysFor(header: JWSHeaderParameters) {
      const usable = keys.filter((k) => k.algorithms.includes(header.alg as Algorithm));
      const named = usable.filter((k) => k.kid !== undefined && k.kid === header.kid);
      return (named.length ? named : usable.filter((k) => k.kid === undefined)).map((k) => k.key);
    },
  };
}

function importKey(input: KeyInput, index: number, allowed: Algorithm[]): StaticKey {
  const path = `options.providers.custom-token.keys.${index}`;
  let key: KeyObject;
  try {
    if (typeof input === 'string') {
      key = allowed.some(isHmacAlgorithm) ? createSecretKey(Buffer.from(input)) : createPublicKey(input);
    } else if (input.kty === 'oct') {
      key = createSecretKey(Buffer.from(String((input as { k?: unknown }).k), 'base64url'));
    } else {
      // A private JWK is accepted; only its public half is kept.
      key = createPublicKey({ key: input as never, format: 'jwk' });
    }
  } catch (err) {
    throw new TypeError(`createAuth: ${path}: not a usable key (${(err as Error).message})`);
  }
  const fits = algorithmsOf(key).filter((alg) => allowed.includes(alg));
  const declared = typeof input === 'object' ? input.alg : undefined;
  const algorithms = declared === undefined ? fits : fits.filter((alg) => alg === declared);
  if (!algorithms.length) {
    throw new TypeError(
      `createAuth: ${path}: this ${describe(key)} key verifies none of the algorithms ${allowed.join(', ')}` +
        (declared ? ` as alg ${declared}` : ''),
    );
  }
  return { kid: typeof input === 'object' ? input.kid : undefined, algorithms, key };
}

const EC_ALGORITHMS: Record<string, Algorithm | undefined> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

function algorithmsOf(key: KeyObject): Algorithm[] {
  if (key.type === 'secret') return ['HS256', 'HS384', 'HS512'];
  const details = key.asymmetricKeyDetails;
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return (details?.modulusLength ?? 0) >= 2048 ? ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] : [];
    case 'rsa-pss':
      return (details?.modulusLength ?? 0) >= 2048 ? ['PS256', 'PS384', 'PS512'] : [];
    case 'ec': {
      const alg = EC_ALGORITHMS[details?.namedCurve ?? ''];
      return alg ? [alg] : [];
    }
    case 'ed25519':
      return ['EdDSA', 'Ed25519'];
    default:
      return [];
  }
}

function describe(key: KeyObject): string {
  if (key.type === 'secret') return 'secret';
  const details = key.asymmetricKeyDetails;
  const size = details?.modulusLength ? ` ${details.modulusLength}-bit` : details?.namedCurve ? ` ${details.namedCurve}` : '';
  return `${key.asymmetricKeyType}${size}`;
}
