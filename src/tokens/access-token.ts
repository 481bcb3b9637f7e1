import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { ProviderType, UserType } from '../model/types.js';
import type { TokenOptions } from '../options.js';
import type { KeySet } from './key-set.js';

/** What an access token carries, so route guards need no database read. */
export interface AccessClaims {
  /** User id. */
  sub: string;
  /** Session id. */
  sid: string;
  typ: 'access';
  /** User type. */
  utp: UserType;
  /** Provider types of the user's identities when the token was minted. */
  prv: ProviderType[];
  /** Whether the user had only anonymous identities. */
  anon: boolean;
  iat: number;
  exp: number;
}

export class AccessTokens {
  constructor(
    private readonly keys: KeySet,
    private readonly options: TokenOptions,
    private readonly now: () => Date,
  ) {}

  /** `extra`: claims of a client dialect (see dialect-claims.ts); never overrides the ones above. */
  async sign(claims: Pick<AccessClaims, 'sub' | 'sid' | 'utp' | 'prv' | 'anon'>, extra?: Record<string, unknown>): Promise<string> {
    const { kid, alg, key } = this.keys.signing;
    const iat = Math.floor(this.now().getTime() / 1000);
    return new SignJWT({ ...extra, sid: claims.sid, typ: 'access', utp: claims.utp, prv: claims.prv, anon: claims.anon })
      .setProtectedHeader({ alg, kid, typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.options.accessTokenTtl)
      .sign(key);
  }

  /** Verifies signature (allowlisted algorithms, key by `kid`), `iss`, `aud`, `exp` and type; null when invalid. */
  async verify(token: string): Promise<AccessClaims | null> {
    try {
      const { payload } = await jwtVerify(
        token,
        (header) => {
          const key = this.keys.verificationKey(header.kid);
          if (!key || key.alg !== header.alg) throw new errors.JWKSNoMatchingKey();
          return key.key;
        },
        {
          algorithms: this.keys.algorithms,
          issuer: this.options.issuer,
          audience: this.options.audience,
          currentDate: this.now(),
          requiredClaims: ['sub', 'exp', 'iat'],
        },
      );
      return isAccessClaims(payload) ? payload : null;
    } catch {
      return null;
    }
  }
}

function isAccessClaims(p: JWTPayload): p is JWTPayload & AccessClaims {
  return (
    p['typ'] === 'access' &&
    typeof p['sid'] === 'string' &&
    (p['utp'] === 'normal' || p['utp'] === 'server') &&
    Array.isArray(p['prv']) &&
    typeof p['anon'] === 'boolean'
  );
}
