import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SessionRecord } from '../model/types.js';
import { sha256 } from './secrets.js';

/**
 * Refresh tokens: `<session id>.<secret>`. The id makes the lookup a primary-key read on every
 * MongoDB-compatible server; the secret is what is checked, by its hash. The secret is 128
 * random bits and a 128-bit MAC of them under the session's token key (see
 * SessionRecord.tokenKey), which proves, long after rotation, that the session issued a token.
 */

const FORMAT = /^([0-9a-f]{24})\.([A-Za-z0-9_-]{43})$/;
const RANDOM_BYTES = 16;

export interface PresentedToken {
  sessionId: string;
  /** The SHA-256 a session stores of it. */
  hash: string;
  secret: Buffer;
}

/** The parts of a well-formed refresh token; null for anything else. */
export function parseRefreshToken(token: string): PresentedToken | null {
  const match = FORMAT.exec(token);
  if (!match) return null;
  return { sessionId: match[1]!, hash: sha256(token), secret: Buffer.from(match[2]!, 'base64url') };
}

/** A new refresh token of a session, and its hash. */
export function newRefreshToken(sessionId: string, tokenKey: string): { token: string; hash: string } {
  const random = randomBytes(RANDOM_BYTES);
  const token = `${sessionId}.${Buffer.concat([random, mac(tokenKey, sessionId, random)]).toString('base64url')}`;
  return { token, hash: sha256(token) };
}

/** Whether the session issued this token: its MAC checks out under the session's key. */
export function issuedBy(session: SessionRecord, presented: PresentedToken): boolean {
  if (session.tokenKey === undefined) return false;
  const { secret } = presented;
  return timingSafeEqual(secret.subarray(RANDOM_BYTES), mac(session.tokenKey, session.id, secret.subarray(0, RANDOM_BYTES)));
}

function mac(tokenKey: string, sessionId: string, random: Buffer): Buffer {
  return createHmac('sha256', Buffer.from(tokenKey, 'base64url')).update(sessionId).update(random).digest().subarray(0, 16);
}
