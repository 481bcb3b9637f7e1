import { createRequire } from 'node:module';
import {
  Int32,
  MongoClientClosedError,
  MongoInvalidArgumentError,
  MongoMissingDependencyError,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoParseError,
  MongoServerClosedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoStalePrimaryError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
  type Db,
  type TopologyDescription,
} from 'mongodb';
import { describe, expect, it } from 'vitest';
import { DuplicateKeyError, StoreUnavailableError } from '../../src/errors.js';
import { guarded, isUnavailableError } from '../../src/store/mongo/mongo-errors.js';
import { MongoStore } from '../../src/store/mongo/mongo-store.js';

// The pool's and the operation timer's errors are real driver classes that the package does
// not export by name; their modules are reachable as files of the package.
const require = createRequire(import.meta.url);
type ErrorClass = new (...args: unknown[]) => Error;
const { PoolClearedError, PoolClearedOnNetworkError, PoolClosedError, WaitQueueTimeoutError } = require('mongodb/lib/cmap/errors.js') as {
  PoolClearedError: ErrorClass;
  PoolClearedOnNetworkError: ErrorClass;
  PoolClosedError: ErrorClass;
  WaitQueueTimeoutError: ErrorClass;
};
const { TimeoutError } = require('mongodb/lib/timeout.js') as { TimeoutError: ErrorClass };
const Topology = (require('mongodb/lib/sdam/topology_description.js') as { TopologyDescription: new (type: string) => TopologyDescription })
  .TopologyDescription;

const address = '127.0.0.1:27017';
const pool = { address, serverError: new MongoNetworkError('read ECONNRESET') };
const serverError = (code: number | Int32, labels: string[] = []) =>
  new MongoServerError({ code, errmsg: `server error ${Number(code)}`, errorLabels: labels });
const systemError = (code: string) => Object.assign(new Error(`connect ${code} ${address}`), { code });

/** Each driver error that means the database cannot serve now, as the driver makes it. */
const unavailable: [string, () => unknown][] = [
  ['MongoNetworkError (connection refused or reset)', () => new MongoNetworkError('connect ECONNREFUSED 127.0.0.1:27017')],
  ['MongoNetworkTimeoutError', () => new MongoNetworkTimeoutError('connection timed out')],
  ['MongoServerSelectionError', () => new MongoServerSelectionError('Server selection timed out after 500 ms', new Topology('Single'))],
  ['MongoPoolClearedError (the pool cleared by another command’s network error)', () => new PoolClearedError(pool)],
  ['PoolClearedOnNetworkError (a monitor timeout cleared the pool)', () => new PoolClearedOnNetworkError(pool)],
  ['MongoPoolClosedError', () => new PoolClosedError(pool)],
  ['MongoWaitQueueTimeoutError', () => new WaitQueueTimeoutError('Timed out while checking out a connection from connection pool', address)],
  ['MongoOperationTimeoutError (timeoutMS)', () => new MongoOperationTimeoutError('Timed out during server selection')],
  ['the driver’s internal TimeoutError', () => new TimeoutError('Timed out after 500ms', { duration: 500 })],
  ['MongoTopologyClosedError', () => new MongoTopologyClosedError()],
  ['MongoClientClosedError', () => new MongoClientClosedError()],
  ['MongoServerClosedError', () => new MongoServerClosedError()],
  ['MongoNotConnectedError', () => new MongoNotConnectedError('Client must be connected before running operations')],
  ['MongoStalePrimaryError', () => new MongoStalePrimaryError('stale primary')],
  ['ShutdownInProgress (91)', () => serverError(91)],
  ['InterruptedAtShutdown (11600)', () => serverError(11600)],
  ['InterruptedDueToReplStateChange (11602)', () => serverError(11602)],
  ['PrimarySteppedDown (189)', () => serverError(189)],
  ['NotWritablePrimary (10107)', () => serverError(10107)],
  ['NotPrimaryNoSecondaryOk (13435)', () => serverError(13435)],
  ['NotPrimaryOrSecondary (13436)', () => serverError(13436)],
  ['LegacyNotPrimary (10058)', () => serverError(10058)],
  ['HostUnreachable (6) from a mongos', () => serverError(6)],
  ['HostNotFound (7)', () => serverError(7)],
  ['NetworkTimeout (89)', () => serverError(89)],
  ['SocketException (9001)', () => serverError(9001)],
  ['ExceededTimeLimit (262)', () => serverError(262)],
  ['MaxTimeMSExpired (50)', () => serverError(50)],
  ['FailedToSatisfyReadPreference (133)', () => serverError(133)],
  ['ReadConcernMajorityNotAvailableYet (134)', () => serverError(134)],
  ['a code as a BSON Int32 (promoteValues: false)', () => serverError(new Int32(91))],
  ['a write concern timeout', () => new MongoWriteConcernError({ writeConcernError: { code: 64, errmsg: 'waiting for replication timed out' }, ok: 1 } as never)],
  ['the ResetPool label', () => serverError(1, ['ResetPool'])],
  ['the RetryableWriteError label', () => serverError(1, ['RetryableWriteError'])],
  ['the SystemOverloadedError label', () => serverError(1, ['SystemOverloadedError'])],
  ['a Node socket error the driver did not wrap', () => systemError('ECONNRESET')],
  ['an error caused by a network error', () => new Error('the command failed', { cause: new MongoNetworkError('socket hang up') })],
  ['an AggregateError of failed connections (IPv4 and IPv6)', () => new AggregateError([systemError('ECONNREFUSED'), systemError('ECONNREFUSED')], '')],
];

/** Errors that are a bug or a bad request, not an outage: they stay 500s. */
const notUnavailable: [string, () => unknown][] = [
  ['a MongoServerError for a bad query (BadValue, 2)', () => serverError(2)],
  ['DocumentValidationFailure (121)', () => serverError(121)],
  ['AuthenticationFailed (18): a configuration error', () => serverError(18)],
  ['a write conflict labelled TransientTransactionError', () => serverError(112, ['TransientTransactionError'])],
  ['MongoInvalidArgumentError', () => new MongoInvalidArgumentError('bad argument')],
  ['MongoParseError', () => new MongoParseError('bad URI')],
  ['MongoMissingDependencyError', () => new MongoMissingDependencyError('missing', { dependencyName: 'x' } as never)],
  ['a TypeError', () => new TypeError('x is not a function')],
  ['a thrown string', () => 'boom'],
  ['undefined', () => undefined],
  ['an error whose cause is its own', () => {
    const e = new Error('loop');
    (e as { cause?: unknown }).cause = e;
    return e;
  }],
];

describe('MongoStore: which driver errors mean the database is unavailable', () => {
  describe.each(unavailable)('%s', (_name, make) => {
    it('becomes StoreUnavailableError (503 ServiceUnavailable), keeping the driver error as its cause', async () => {
      const err = make();
      expect(isUnavailableError(err)).toBe(true);
      const thrown = await guarded('users', () => Promise.reject(err)).catch((e: unknown) => e);
      expect(thrown).toBeInstanceOf(StoreUnavailableError);
      expect((thrown as Error).cause).toBe(err);
      expect((thrown as Error).message).toMatch(/^users: /);
    });
  });

  describe.each(notUnavailable)('%s', (_name, make) => {
    it('is passed on unchanged (a bug: 500 InternalServerError)', async () => {
      const err = make();
      expect(isUnavailableError(err)).toBe(false);
      expect(await guarded('users', () => Promise.reject(err)).catch((e: unknown) => e)).toBe(err);
    });
  });

  it('turns a duplicate key (11000) into DuplicateKeyError, also with a BSON Int32 code', async () => {
    for (const code of [11000, new Int32(11000)]) {
      const thrown = await guarded('identities', () => Promise.reject(serverError(code))).catch((e: unknown) => e);
      expect(thrown).toBeInstanceOf(DuplicateKeyError);
      expect((thrown as DuplicateKeyError).collection).toBe('identities');
    }
  });

  it('passes on an error already translated by a guarded call inside another one', async () => {
    const inner = new StoreUnavailableError('tokens: down', { cause: new PoolClearedError(pool) });
    expect(await guarded('sessions', () => Promise.reject(inner)).catch((e: unknown) => e)).toBe(inner);
  });

  it('returns what the call returns', async () => {
    expect(await guarded('users', async () => 42)).toBe(42);
  });
});

describe('MongoStore: every method goes through the translation', () => {
  // A database whose every call, at any depth (collection → find → sort → toArray), fails as
  // a cleared pool does.
  const failing = (): unknown =>
    new Proxy(function () {}, {
      get: (_target, prop) => (prop === 'then' ? (_: unknown, reject: (e: unknown) => void) => reject(new PoolClearedError(pool)) : failing()),
      apply: () => failing(),
    });
  const store = new MongoStore({ db: { collection: () => failing() } as unknown as Db });
  const methods = Object.getOwnPropertyNames(MongoStore.prototype).filter(
    (name) => name !== 'constructor' && typeof (store as unknown as Record<string, unknown>)[name] === 'function',
  );

  it('lists the store methods', () => {
    expect(methods.length).toBeGreaterThan(30);
  });

  it.each(methods)('%s answers StoreUnavailableError when the pool is cleared', async (name) => {
    // A Date serves as every argument: an id (a string once interpolated), a record, a query, a
    // time; the bulk methods get lists of them.
    const bulk = { users: [new Date(0)], identities: [new Date(0)], userpass: [new Date(0)] };
    const args = name === 'findMany' || name === 'insertMany' ? [bulk] : Array.from({ length: 4 }, () => new Date(0));
    const call = (store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name]!;
    await expect(call.apply(store, args)).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
