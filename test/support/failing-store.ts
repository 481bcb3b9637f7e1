import { StoreUnavailableError } from '../../src/errors.js';
import type { Store } from '../../src/store/store.js';

/**
 * A store that fails on purpose: `failOn(method, n)` makes the n-th call of `method` from
 * now on throw (StoreUnavailableError, as a dropped database connection would), once.
 * Every other call goes to the wrapped store. For testing the order of multi-step writes.
 */
export class FailingStore {
  readonly store: Store;
  private plan: { method: keyof Store; remaining: number } | undefined;
  /** Calls made, by method, since the last `failOn`. */
  readonly calls: (keyof Store)[] = [];

  constructor(inner: Store) {
    this.store = new Proxy(inner, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const method = prop as keyof Store;
          this.calls.push(method);
          if (this.plan?.method === method && --this.plan.remaining === 0) {
            this.plan = undefined;
            return Promise.reject(new StoreUnavailableError(`injected failure of ${String(method)}`));
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }

  failOn(method: keyof Store, nth = 1): void {
    this.plan = { method, remaining: nth };
    this.calls.length = 0;
  }

  /** Whether the planned failure has not happened yet. */
  get armed(): boolean {
    return this.plan !== undefined;
  }
}
