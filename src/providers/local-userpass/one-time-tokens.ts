import { z } from 'zod';
import { AuthError } from '../../errors.js';
import type { OneTimeTokenRecord, UserpassRecord } from '../../model/types.js';
import type { Store } from '../../store/store.js';
import { OneTimeTokens } from '../../tokens/one-time-tokens.js';
import { safeEqual } from '../../tokens/secrets.js';

export type UserpassTokenPurpose = 'confirm' | 'reset';

export interface IssuedToken {
  /** 256-bit secret, only ever mailed or handed to the host; stored as its SHA-256. */
  token: string;
  /** The public half sent beside it (App Services' `tokenId`). */
  tokenId: string;
}

/** The body fields that carry a token. */
export const tokenFields = { token: z.string().min(1).max(256), tokenId: z.string().min(1).max(256) };

export const invalidToken = () => new AuthError('UserpassTokenInvalid', 'invalid token data');

/**
 * Confirmation and reset tokens: single use, stored hashed, bound to one credential
 * (its email and identity id, so a token outlives neither a deleted account nor a
 * re-registration of its address).
 */
export class UserpassTokens {
  private readonly tokens: OneTimeTokens;

  constructor(store: Store, now: () => Date) {
    this.tokens = new OneTimeTokens(store, now);
  }

  async issue(purpose: UserpassTokenPurpose, record: UserpassRecord, ttlSeconds: number): Promise<IssuedToken> {
    const { token, tokenId } = await this.tokens.issue(purpose, {
      subject: record.email,
      payload: { identityId: record.identityId },
      ttlSeconds,
      withTokenId: true,
    });
    return { token, tokenId: tokenId! };
  }

  /**
   * Consumes a token: of concurrent uses at most one gets it (the store's atomic
   * delete). Unknown, expired, used or mismatched tokens are all `UserpassTokenInvalid`.
   */
  async redeem(purpose: UserpassTokenPurpose, token: string, tokenId: string): Promise<RedeemedToken> {
    const record = await this.tokens.consume(purpose, token);
    const identityId = record?.payload?.['identityId'];
    if (!record || typeof identityId !== 'string') throw invalidToken();
    if (!record.tokenId || !safeEqual(record.tokenId, tokenId)) {
      // A refused request spends nothing: the mailed link still works with its own tokenId.
      await this.tokens.restore(record);
      throw invalidToken();
    }
    return { email: record.subject, identityId, record };
  }

  /** Puts a redeemed token back, for a request refused after redeeming it (e.g. a weak new password). */
  async restore(redeemed: RedeemedToken): Promise<void> {
    await this.tokens.restore(redeemed.record);
  }

  /** Voids one issued token (e.g. the host refused the request it was issued for). */
  async discard(purpose: UserpassTokenPurpose, issued: IssuedToken): Promise<void> {
    await this.tokens.consume(purpose, issued.token);
  }

  async revokeAll(email: string, purpose: UserpassTokenPurpose): Promise<void> {
    await this.tokens.revokeAll(email, purpose);
  }
}

export interface RedeemedToken {
  email: string;
  identityId: string;
  record: OneTimeTokenRecord;
}
