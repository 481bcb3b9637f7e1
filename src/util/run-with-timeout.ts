/** Raised when a call outlives its time limit. */
export class TimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * Runs `fn`, settling with it or with a TimeoutError after `ms`, whichever comes first. The
 * signal handed to `fn` aborts at the time limit, so the work can stop; a promise cannot be
 * cancelled from outside.
 */
export function runWithTimeout<T>(fn: (signal: AbortSignal) => T | Promise<T>, ms: number): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new TimeoutError(ms);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  const run = new Promise<T>((resolve) => resolve(fn(controller.signal)));
  return Promise.race([run, timeout]).finally(() => clearTimeout(timer));
}
