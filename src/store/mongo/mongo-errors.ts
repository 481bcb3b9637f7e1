import { DuplicateKeyError, StoreUnavailableError } from '../../errors.js';

/**
 * Which driver errors mean "the database is unavailable right now" (answered 503, fail
 * closed) rather than a bug (500). Matched by name, code and label, so the driver stays a
 * type-only import; the names are those the driver's classes report (`error.name`), which
 * for its connection-pool errors differ from their class names.
 */

const DUPLICATE_KEY = 11000;

const UNAVAILABLE_NAMES = new Set([
  // The server cannot be reached, or a connection to it broke mid-command.
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  // No server to send the command to within serverSelectionTimeoutMS.
  'MongoServerSelectionError',
  // The connection pool was cleared after another command's network error, or closed.
  'MongoPoolClearedError', // class PoolClearedError
  'PoolClearedOnNetworkError',
  'MongoPoolClosedError', // class PoolClosedError
  // No free connection within waitQueueTimeoutMS.
  'MongoWaitQueueTimeoutError', // class WaitQueueTimeoutError
  // timeoutMS (client-side operation timeout) expired, and the driver's internal form of it.
  'MongoOperationTimeoutError',
  'TimeoutError',
  // The client or topology was closed (the host is shutting down), or never connected.
  'MongoTopologyClosedError',
  'MongoClientClosedError',
  'MongoServerClosedError',
  'MongoNotConnectedError',
  // A primary that another one has since replaced.
  'MongoStalePrimaryError',
]);

/**
 * Server error codes of the retryable-reads/writes specifications and SDAM: the server is
 * shutting down, stepping down, not (or no longer) a writable primary, interrupted by either,
 * unreachable from a mongos, or a wait on it timed out.
 */
const UNAVAILABLE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  50, // MaxTimeMSExpired
  64, // WriteConcernTimeout (WriteConcernFailed before 8.1)
  89, // NetworkTimeout
  91, // ShutdownInProgress
  133, // FailedToSatisfyReadPreference
  134, // ReadConcernMajorityNotAvailableYet
  189, // PrimarySteppedDown
  262, // ExceededTimeLimit
  9001, // SocketException
  10058, // LegacyNotPrimary
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/**
 * Labels the driver or the server put on errors of a server it must reconnect to or retry
 * elsewhere. `TransientTransactionError` and `UnknownTransactionCommitResult` are left
 * out: they also label write conflicts, which are not outages.
 */
const UNAVAILABLE_LABELS = new Set(['ResetPool', 'PoolRequestedRetry', 'RetryableWriteError', 'SystemOverloadedError']);

/** Node's socket errors, should one reach us without the driver's wrapping. */
const UNAVAILABLE_SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
  errorLabels?: unknown;
  writeConcernError?: { code?: unknown };
}

function labelsOf(e: ErrorLike): unknown[] {
  // `errorLabels` is a getter on MongoError (an array since driver 4).
  return Array.isArray(e.errorLabels) ? e.errorLabels : [];
}

/**
 * A server error code: a number, or a BSON Int32 when the host's client sets
 * `promoteValues: false`. (Node's system errors have string codes.)
 */
function serverCode(code: unknown): number | undefined {
  if (typeof code === 'number') return code;
  if (typeof code === 'object' && code !== null) return Number(code);
  return undefined;
}

function isUnavailableItself(e: ErrorLike): boolean {
  if (typeof e.name === 'string' && UNAVAILABLE_NAMES.has(e.name)) return true;
  if (typeof e.code === 'string' && UNAVAILABLE_SYSTEM_CODES.has(e.code)) return true;
  for (const code of [serverCode(e.code), serverCode(e.writeConcernError?.code)]) {
    if (code !== undefined && UNAVAILABLE_CODES.has(code)) return true;
  }
  return labelsOf(e).some((label) => typeof label === 'string' && UNAVAILABLE_LABELS.has(label));
}

/**
 * Whether `err`, or an error it wraps (`cause`, or the `errors` of an AggregateError such as
 * a failed connection to every address of a host), means the database is unavailable.
 */
export function isUnavailableError(err: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [err];
  while (pending.length > 0 && seen.size < 16) {
    const e = pending.shift();
    if (typeof e !== 'object' || e === null || seen.has(e)) continue;
    seen.add(e);
    const like = e as ErrorLike;
    if (isUnavailableItself(like)) return true;
    pending.push(like.cause);
    if (Array.isArray(like.errors)) pending.push(...like.errors);
  }
  return false;
}

/** Translates a driver failure into the store's error types; anything else is returned as is. */
export function translateDriverError(collection: string, err: unknown): unknown {
  // Already translated (a guarded call made inside another one).
  if (err instanceof StoreUnavailableError || err instanceof DuplicateKeyError) return err;
  const e = err as ErrorLike | null | undefined;
  if (serverCode(e?.code) === DUPLICATE_KEY) return new DuplicateKeyError(collection, String(e?.message));
  if (isUnavailableError(err)) {
    const name = typeof e?.name === 'string' ? e.name : 'Error';
    return new StoreUnavailableError(`${collection}: ${name}: ${String(e?.message)}`, { cause: err });
  }
  return err;
}

/** Runs one driver call, translating its failures into the store's error types. */
export async function guarded<T>(collection: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw translateDriverError(collection, err);
  }
}

/**
 * `insertMany` without order: every document is tried; those refused for a duplicate key are
 * skipped and their positions returned. Any other failure is thrown (translated).
 */
export async function insertSkippingDuplicates<D>(
  collection: string,
  target: { insertMany(docs: D[], options: { ordered: false }): Promise<unknown> },
  docs: D[],
): Promise<number[]> {
  if (docs.length === 0) return [];
  try {
    await target.insertMany(docs, { ordered: false });
    return [];
  } catch (err) {
    const writeErrors = (err as { writeErrors?: unknown }).writeErrors;
    const list = (Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : []) as { index?: unknown; code?: unknown }[];
    const duplicatesOnly =
      list.length > 0 && list.every((w) => serverCode(w.code) === DUPLICATE_KEY && typeof w.index === 'number') && !isUnavailableError(err);
    if (!duplicatesOnly || (err as ErrorLike).writeConcernError) throw translateDriverError(collection, err);
    return list.map((w) => w.index as number).sort((a, b) => a - b);
  }
}
