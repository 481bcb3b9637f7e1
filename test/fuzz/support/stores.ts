import { Table } from '../../../src/store/memory/table.js';
import type { Db } from 'mongodb';
import { MemoryStore, MongoStore, type Store } from '../../../src/index.js';
import { mongoServerName, useTestDb } from '../../support/mongo.js';

/** Everything a store holds, per collection (or map): each record as JSON, in key order. */
export type Snapshot = Record<string, string[]>;

/**
 * A store the fuzzer can empty and read back whole. The Store interface cannot list
 * one-time tokens or locks, and a refused request must not leave those behind either, so
 * the snapshot reads the storage itself: the MongoDB collections, or MemoryStore's maps.
 */
export interface FuzzStore {
  name: string;
  /** The store to build the next app on, empty. */
  fresh(): Promise<Store>;
  snapshot(): Promise<Snapshot>;
}

export interface FuzzStoreCase {
  name: string;
  mongo: boolean;
  make: () => FuzzStore;
}

/** MongoStore on the test server (a database of its own per file) and MemoryStore, as storeCases names them. */
export function fuzzStoreCases(label: string): FuzzStoreCase[] {
  const db = useTestDb(label);
  let n = 0;
  return [
    { name: `MongoStore on ${mongoServerName}`, mongo: true, make: () => mongoFuzzStore(db(), `f${n++}_`) },
    { name: 'MemoryStore', mongo: false, make: memoryFuzzStore },
  ];
}

function mongoFuzzStore(db: Db, prefix: string): FuzzStore {
  const store = new MongoStore({ db, collectionPrefix: prefix });
  const collections = async () =>
    (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((name) => name.startsWith(prefix)).sort();
  return {
    name: `MongoStore (${prefix})`,
    // Emptied, not dropped: the indexes stay, so the next app's init() finds them.
    async fresh() {
      for (const name of await collections()) await db.collection(name).deleteMany({});
      return store;
    },
    async snapshot() {
      const names = await collections();
      const all = await Promise.all(names.map((name) => db.collection(name).find({}).sort({ _id: 1 }).toArray()));
      const snap: Snapshot = {};
      names.forEach((name, i) => {
        if (all[i]!.length) snap[name] = all[i]!.map((d) => JSON.stringify(d));
      });
      return snap;
    },
  };
}

function memoryFuzzStore(): FuzzStore {
  let store = new MemoryStore();
  return {
    name: 'MemoryStore',
    async fresh() {
      store = new MemoryStore();
      return store;
    },
    async snapshot() {
      // Every Map or Table the store keeps (users, identities, sessions, credentials, keys, tokens, locks).
      const maps = Object.entries(store).filter((entry): entry is [string, Map<string, unknown> | Table<unknown, string>] =>
        entry[1] instanceof Map || entry[1] instanceof Table,
      );
      if (maps.length < 7) throw new Error('MemoryStore no longer keeps its records in Map or Table fields: update the fuzz snapshot');
      const snap: Snapshot = {};
      for (const [name, map] of maps) {
        if (map.size) snap[name] = [...map.keys()].sort().map((k) => JSON.stringify([k, map.get(k)]));
      }
      return snap;
    },
  };
}

/**
 * What differs between two snapshots, collection by collection; empty when they are equal.
 * With `keyUse`, API keys' `lastUsedAt` is left out (the request used a real key).
 */
export function snapshotDiff(before: Snapshot, after: Snapshot, opts: { keyUse?: boolean } = {}): string[] {
  const diff: string[] = [];
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const keys = opts.keyUse && /(api_keys|apiKeys)$/.test(name);
    const a = keys ? withoutLastUse(before[name] ?? []) : (before[name] ?? []);
    const b = keys ? withoutLastUse(after[name] ?? []) : (after[name] ?? []);
    if (a.length === b.length && a.every((x, i) => x === b[i])) continue;
    const added = b.filter((x) => !a.includes(x));
    const removed = a.filter((x) => !b.includes(x));
    diff.push(`${name}: ${removed.length} record(s) removed or changed, ${added.length} added or changed: ${brief(added.length ? added : removed)}`);
  }
  return diff;
}

/** Records (MongoDB documents, or MemoryStore's [key, record] entries) without `lastUsedAt`. */
function withoutLastUse(records: string[]): string[] {
  const strip = (r: unknown) => {
    if (typeof r !== 'object' || r === null) return r;
    const { lastUsedAt: _, ...rest } = r as Record<string, unknown>;
    return rest;
  };
  return records.map((json) => {
    const r: unknown = JSON.parse(json);
    return JSON.stringify(Array.isArray(r) ? [r[0], strip(r[1])] : strip(r));
  });
}

const brief = (records: string[]) => {
  const text = records.slice(0, 2).join(', ');
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
};
