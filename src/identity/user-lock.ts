import { AuthError, DuplicateKeyError } from '../errors.js';
import type { OneTimeTokenRecord } from '../model/types.js';
import type { Store } from '../store/store.js';

const HOLD_MS = 30_000;

const busy = () => new AuthError('Conflict', 'another change to this user is in progress; try again');

/**
 * Runs `fn` while holding a per-user lock: a claim record inserted under a unique key (an
 * insert is atomic on every MongoDB-compatible server, a conditional update is not). A lock
 * left by a crashed holder expires after 30 seconds and is then taken over.
 */
export async function withUserLock<T>(store: Store, name: string, userId: string, now: Date, fn: () => Promise<T>) {
  const lock: OneTimeTokenRecord = {
    hash: `lock:${name}:${userId}`,
    purpose: 'claim',
    subject: userId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + HOLD_MS),
  };
  if (!(await acquire(store, lock, now))) throw busy();
  try {
    return await fn();
  } finally {
    await store.consumeToken(lock.hash, 'claim', now).catch(() => undefined); // expires anyway
  }
}

async function acquire(store: Store, lock: OneTimeTokenRecord, now: Date): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await store.insertToken(lock);
      return true;
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
    }
    // Removing the held lock returns it only while it is live: then it is put back untouched.
    const held = await store.consumeToken(lock.hash, 'claim', now);
    if (held) {
      await store.insertToken(held).catch(() => undefined);
      return false;
    }
  }
  return false;
}
