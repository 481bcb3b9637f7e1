import type { Request, Response } from 'express';
import { EncryptJWT, jwtDecrypt } from 'jose';
import type { AppServicesWebLogin } from '../../app-services/oauth-redirect.js';
import type { LinkTarget } from '../../identity/complete-login.js';
import type { ProviderType } from '../../model/types.js';
import { cookieValue } from '../../util/cookie-value.js';

/** What one web login carries from its start to its callback, sealed in the browser's cookie. */
export interface OAuthTransaction {
  /** The provider the login was started with: a callback at another provider's endpoint is refused. */
  provider: ProviderType;
  /** Sent to the provider and expected back, compared in constant time. */
  state: string;
  /** The PKCE verifier, for providers that take a challenge. */
  verifier?: string | undefined;
  /** Expected in the ID token. */
  nonce?: string | undefined;
  /** The allowlisted page the browser goes to when the login ends, well or not. */
  redirect: string;
  /** The signed-in user a link adds the identity to. */
  link?: LinkTarget | undefined;
  /** A login started by an App Services client (realm-web): it ends in that client's manner. */
  appServices?: AppServicesWebLogin | undefined;
}

export interface StateCookieOptions {
  provider: ProviderType;
  /** The callback's path: the only requests that carry the cookie. */
  path: string;
  /** `none` for a provider that returns with a cross-site POST (Apple's form_post); else `lax`. */
  sameSite: 'lax' | 'none';
  ttlSeconds: number;
  /** 256-bit key (A256GCM); one per provider. */
  key: Uint8Array;
  now: () => Date;
}

const ENCRYPTION = { alg: 'dir', enc: 'A256GCM' } as const;

/**
 * The state of a web login in a short-lived cookie, encrypted and authenticated (a JWE with
 * its own expiry), instead of a server session: `HttpOnly; Secure`, scoped to the callback's
 * path, and bound to this browser, since only it holds the cookie. The callback opens it once
 * and clears it; the caller also records the state as used, so a copied cookie replays nothing.
 */
export class StateCookie {
  readonly name: string;

  constructor(private readonly options: StateCookieOptions) {
    this.name = `eap-oauth-${options.provider}`;
  }

  async seal(res: Response, transaction: OAuthTransaction): Promise<void> {
    const { ttlSeconds, key, now } = this.options;
    const issuedAt = Math.floor(now().getTime() / 1000);
    const sealed = await new EncryptJWT({ ...transaction })
      .setProtectedHeader(ENCRYPTION)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .encrypt(key);
    res.append('Set-Cookie', this.serialise(sealed, ttlSeconds));
  }

  /** The transaction this browser started, when its cookie is there, intact, for this provider and unexpired. */
  async open(req: Request): Promise<OAuthTransaction | undefined> {
    const sealed = cookieValue(req.headers.cookie, this.name);
    if (!sealed || sealed.length > 8192) return undefined;
    try {
      const { payload } = await jwtDecrypt(sealed, this.options.key, {
        keyManagementAlgorithms: [ENCRYPTION.alg],
        contentEncryptionAlgorithms: [ENCRYPTION.enc],
        currentDate: this.options.now(),
        requiredClaims: ['exp'],
      });
      const transaction = payload as unknown as OAuthTransaction;
      if (transaction.provider !== this.options.provider || typeof transaction.state !== 'string') return undefined;
      return transaction;
    } catch {
      return undefined;
    }
  }

  /** Whether the request carries the cookie at all (a callback without it has nothing to clear). */
  sent(req: Request): boolean {
    return cookieValue(req.headers.cookie, this.name) !== undefined;
  }

  clear(res: Response): void {
    res.append('Set-Cookie', this.serialise('', 0));
  }

  private serialise(value: string, maxAge: number): string {
    const sameSite = this.options.sameSite === 'none' ? 'None' : 'Lax';
    return `${this.name}=${value}; Path=${this.options.path}; Max-Age=${maxAge}; HttpOnly; Secure; SameSite=${sameSite}`;
  }
}

