import type { OneTimeTokenPurpose, OneTimeTokenRecord } from '../model/types.js';
import type { Store } from '../store/store.js';
import { randomSecret, sha256 } from './secrets.js';

export interface IssueOptions {
  /** Whom the token is for (an email, a provider…); `revokeAll(subject)` voids its tokens. */
  subject: string;
  ttlSeconds: number;
  /** Stored beside the token's hash: not secret, or encrypted by the caller. */
  payload?: Record<string, unknown> | undefined;
  /** Also issue a public half to send beside the token (App Services' `tokenId`). */
  withTokenId?: boolean;
  /** The secret, when the caller drew it (with `randomSecret()`) to derive something from it first. */
  token?: string;
}

export interface IssuedToken {
  /** 256-bit secret, handed out once; stored as its SHA-256 only. */
  token: string;
  tokenId?: string | undefined;
}

/**
 * Single-use tokens (confirmation and reset links, OAuth exchange codes): 256-bit random,
 * stored as their SHA-256, expiring, and consumed by the store's atomic delete, so that of
 * concurrent uses at most one gets a token.
 */
export class OneTimeTokens {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
  ) {}

  async issue(purpose: OneTimeTokenPurpose, options: IssueOptions): Promise<IssuedToken> {
    const now = this.now();
    const token = options.token ?? randomSecret();
    const tokenId = options.withTokenId ? randomSecret(12) : undefined;
    await this.store.insertToken({
      hash: sha256(token),
      purpose,
      ...(tokenId !== undefined ? { tokenId } : {}),
      subject: options.subject,
      ...(options.payload !== undefined ? { payload: options.payload } : {}),
      createdAt: now,
      expiresAt: new Date(now.getTime() + options.ttlSeconds * 1000),
    });
    return { token, tokenId };
  }

  /** The unexpired record of a token, removed so it is never found again; null for any other token. */
  consume(purpose: OneTimeTokenPurpose, token: string): Promise<OneTimeTokenRecord | null> {
    return this.store.consumeToken(sha256(token), purpose, this.now());
  }

  /** Puts a consumed token back, for a request refused after consuming it. */
  async restore(record: OneTimeTokenRecord): Promise<void> {
    await this.store.insertToken(record);
  }

  async revokeAll(subject: string, purpose: OneTimeTokenPurpose): Promise<void> {
    await this.store.deleteTokensOfSubject(subject, purpose);
  }
}
