import { DuplicateKeyError, StoreUnavailableError } from '../../errors.js';

const DUPLICATE_KEY = 11000;
// Driver errors that mean "the server could not be reached", matched by name so the
// driver stays a type-only import.
const UNAVAILABLE = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoTopologyClosedError',
  'MongoNotConnectedError',
  'MongoServerClosedError',
  'PoolClosedError',
]);

/** Runs one driver call, translating its failures into the store's error types. */
export async function guarded<T>(collection: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const e = err as { code?: unknown; name?: unknown; message?: unknown };
    if (e?.code === DUPLICATE_KEY) throw new DuplicateKeyError(collection, String(e.message));
    if (typeof e?.name === 'string' && UNAVAILABLE.has(e.name)) {
      throw new StoreUnavailableError(`${collection}: ${String(e.message)}`, { cause: err });
    }
    throw err;
  }
}
