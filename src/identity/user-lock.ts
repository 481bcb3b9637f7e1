import { AuthError } from '../errors.js';
import type { Store } from '../store/store.js';

const HOLD_MS = 30_000;

/**
 * Runs `fn` while holding a per-user lock (Store.acquireLock: a unique insert, exclusive on
 * every MongoDB-compatible server). A lock left by a crashed holder expires after 30 seconds.
 */
export async function withUserLock<T>(store: Store, name: string, userId: string, now: Date, fn: () => Promise<T>) {
  const key = `${name}:${userId}`;
  const holder = await store.acquireLock(key, now, HOLD_MS);
  if (!holder) throw new AuthError('Conflict', 'another change to this user is in progress; try again');
  try {
    return await fn();
  } finally {
    await store.releaseLock(key, holder).catch(() => undefined); // it expires anyway
  }
}
