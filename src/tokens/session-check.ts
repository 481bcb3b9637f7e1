import type { Store } from '../store/store.js';
import { Lru } from '../util/lru.js';

export type SessionState = 'live' | 'revoked' | 'disabled';

interface Entry {
  state: SessionState;
  userId: string;
  until: number;
}

/**
 * Whether a session (and its user) is still live, for `requireUser({ checkSession: true })`.
 * Answers are cached for a short, bounded time; revocations made by this process
 * drop their entries at once, those of other processes show within the cache time.
 */
export class SessionCheck {
  private readonly cache: Lru<string, Entry>;

  constructor(
    private readonly store: Store,
    private readonly ttlMs: number,
    private readonly now: () => Date,
    maxEntries = 10_000,
  ) {
    this.cache = new Lru(ttlMs > 0 ? maxEntries : 0);
  }

  async state(sessionId: string, userId: string): Promise<SessionState> {
    const now = this.now();
    const cached = this.cache.get(sessionId);
    if (cached && cached.userId === userId && cached.until > now.getTime()) return cached.state;
    const [session, user] = await Promise.all([this.store.getSession(sessionId, now), this.store.getUser(userId)]);
    const state: SessionState =
      !session || session.userId !== userId || !user ? 'revoked' : user.disabled ? 'disabled' : 'live';
    this.cache.set(sessionId, { state, userId, until: now.getTime() + this.ttlMs });
    return state;
  }

  forgetSession(sessionId: string): void {
    this.cache.delete(sessionId);
  }

  forgetUser(userId: string): void {
    this.cache.deleteWhere((entry) => entry.userId === userId);
  }
}
