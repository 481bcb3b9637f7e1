import { StoreUnavailableError } from '../../src/errors.js';
import type { Store } from '../../src/store/store.js';

/**
 * A store that fails on purpose: `failOn(method, n)` makes the n-th call of `method` from
 * now on reject (StoreUnavailableError, as a dropped database connection would), once.
 * Every other call goes to the wrapped store. For testing the order of multi-step writes.
 */
export class FailingStore {
  readonly store: Store;
  private plan: { method: keyof Store; remaining: number } | undefined;

  constructor(inner: Store) {
    this.store = new Proxy(inner, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (this.plan?.method === prop && --this.plan.remaining === 0) {
            this.plan = undefined;
            return Promise.reject(new StoreUnavailableError(`injected failure of ${String(prop)}`));
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }

  failOn(method: keyof Store, nth = 1): void {
    this.plan = { method, remaining: nth };
  }
}
