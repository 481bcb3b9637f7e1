import { hkdfSync } from 'node:crypto';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { AuthError } from '../errors.js';
import type { Store } from '../store/store.js';
import { OneTimeTokens } from './one-time-tokens.js';
import { randomSecret, safeEqual, sha256 } from './secrets.js';
import type { IssuedTokens } from './sessions.js';

/** How long a browser has to exchange the code of a finished web login, seconds. */
export const EXCHANGE_CODE_TTL = 60;

const invalidCode = () => new AuthError('AuthError', 'the code is invalid, expired or already used');

// The payload's key comes from the code itself, which only the browser holds: the store keeps
// the code's hash and a ciphertext that hash cannot open, never a usable token.
const keyOf = (code: string) =>
  new Uint8Array(hkdfSync('sha256', code, new Uint8Array(0), 'express-auth-providers exchange code', 32));

/**
 * The one-time codes a web login ends with: the callback redirects the browser with a code,
 * and `POST /session/exchange { code }` turns it into the login's tokens, once, within
 * `EXCHANGE_CODE_TTL` seconds. Tokens never travel in a URL.
 */
export class ExchangeCodes {
  private readonly tokens: OneTimeTokens;

  constructor(store: Store, now: () => Date) {
    this.tokens = new OneTimeTokens(store, now);
  }

  /**
   * Keeps the tokens behind a new code and returns the code. `binding` is a secret the browser
   * that finished the login keeps (in a cookie): the code opens nothing without it.
   */
  async issue(tokens: IssuedTokens, binding: string): Promise<string> {
    const code = randomSecret();
    const sealed = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(tokens)))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .encrypt(keyOf(code));
    await this.tokens.issue('exchange', { token: code, subject: tokens.userId, ttlSeconds: EXCHANGE_CODE_TTL, payload: { sealed, binding: sha256(binding) } });
    return code;
  }

  /** The tokens behind a code, which is spent: of concurrent exchanges at most one gets them. */
  async redeem(code: string, binding: string | undefined): Promise<IssuedTokens> {
    const record = await this.tokens.consume('exchange', code);
    const sealed = record?.payload?.['sealed'];
    const bound = record?.payload?.['binding'];
    if (typeof sealed !== 'string' || typeof bound !== 'string') throw invalidCode();
    // Another browser's code (sent by whoever finished that login) is spent, and refused.
    if (binding === undefined || !safeEqual(bound, sha256(binding))) throw invalidCode();
    try {
      const { plaintext } = await compactDecrypt(sealed, keyOf(code), { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
      const sealedTokens = JSON.parse(new TextDecoder().decode(plaintext)) as IssuedTokens & { sessionExpiresAt: string };
      return { ...sealedTokens, sessionExpiresAt: new Date(sealedTokens.sessionExpiresAt) };
    } catch {
      throw invalidCode();
    }
  }
}
