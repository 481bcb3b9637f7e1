import type { AuthUser } from '../../model/auth-user.js';
import { Lru } from '../../util/lru.js';

interface Entry {
  user: AuthUser;
  keyId: string;
  until: number;
}

/**
 * Keys verified for `requireUser({ apiKeys: true })`, by key hash, for a short time and
 * in bounded number. Disabling or deleting a key in this process drops its entry at once;
 * a change made by another process shows once the entry expires.
 */
export class VerifiedKeyCache {
  private readonly entries: Lru<string, Entry>;
  /** Bumped by every forget, so a verification that was under way then is not cached. */
  private generation = 0;

  constructor(
    size: number,
    private readonly ttlMs: number,
    private readonly now: () => Date,
  ) {
    this.entries = new Lru(ttlMs > 0 ? size : 0);
  }

  get(hash: string): AuthUser | undefined {
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    if (entry.until > this.now().getTime()) return entry.user;
    this.entries.delete(hash);
    return undefined;
  }

  /** A token to pass to `set`: the cache's state when a verification starts. */
  begin(): number {
    return this.generation;
  }

  set(hash: string, keyId: string, user: AuthUser, begun: number): void {
    if (begun !== this.generation) return;
    this.entries.set(hash, { user, keyId, until: this.now().getTime() + this.ttlMs });
  }

  forgetKey(keyId: string): void {
    this.generation++;
    this.entries.deleteWhere((entry) => entry.keyId === keyId);
  }

  forgetUser(userId: string): void {
    this.generation++;
    this.entries.deleteWhere((entry) => entry.user.id === userId);
  }
}
