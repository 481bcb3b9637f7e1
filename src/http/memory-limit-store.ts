import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';

interface Counter {
  totalHits: number;
  resetTime: Date;
}

/**
 * Rate-limit counts in memory, the default store of every limiter. express-rate-limit's own
 * MemoryStore answers `increment` with its live counter object, so requests that increment
 * before any of them resumes (a burst released at once, such as the requests that waited for
 * the data store at start-up) all read the final count: a burst one over the limit was refused
 * whole. Here each request reads the count its own increment made.
 *
 * Counters live in two maps, as in that store: every window the current map becomes the
 * previous one and the previous one is dropped, so idle clients cost nothing after two windows.
 */
export class MemoryLimitStore implements Store {
  readonly localKeys = true;
  private windowMs = 60_000;
  private previous = new Map<string, Counter>();
  private current = new Map<string, Counter>();
  private interval: NodeJS.Timeout | undefined;

  init(options: Options): void {
    this.windowMs = options.windowMs;
    clearInterval(this.interval);
    this.interval = setInterval(() => {
      this.previous = this.current;
      this.current = new Map();
    }, this.windowMs);
    this.interval.unref();
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const counter = this.current.get(key) ?? this.previous.get(key);
    return counter && counter.resetTime.getTime() > Date.now() ? { ...counter } : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const counter = this.counter(key);
    counter.totalHits++;
    return { ...counter };
  }

  async decrement(key: string): Promise<void> {
    const counter = this.counter(key);
    if (counter.totalHits > 0) counter.totalHits--;
  }

  async resetKey(key: string): Promise<void> {
    this.current.delete(key);
    this.previous.delete(key);
  }

  async resetAll(): Promise<void> {
    this.current.clear();
    this.previous.clear();
  }

  shutdown(): void {
    clearInterval(this.interval);
    this.current.clear();
    this.previous.clear();
  }

  /** The key's counter, moved into the current map, restarted when its window has passed. */
  private counter(key: string): Counter {
    const now = Date.now();
    let counter = this.current.get(key) ?? this.previous.get(key);
    if (!counter || counter.resetTime.getTime() <= now) counter = { totalHits: 0, resetTime: new Date(now + this.windowMs) };
    this.previous.delete(key);
    this.current.set(key, counter);
    return counter;
  }
}
