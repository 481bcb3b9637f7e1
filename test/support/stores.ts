import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { MongoStore } from '../../src/store/mongo/mongo-store.js';
import type { Store } from '../../src/store/store.js';
import { mongoServerName, useTestDb } from './mongo.js';

export interface StoreCase {
  name: string;
  /** A fresh, empty store (its own collections on the MongoDB server). */
  make: () => Store;
}

/**
 * The stores HTTP tests run against, for `describe.each`: MongoStore on the test server
 * (its own database for the calling file) and MemoryStore.
 */
export function testStores(label: string): StoreCase[] {
  const db = useTestDb(label);
  let n = 0;
  return [
    { name: `MongoStore on ${mongoServerName}`, make: () => new MongoStore({ db: db(), collectionPrefix: `s${n++}_` }) },
    { name: 'MemoryStore', make: () => new MemoryStore() },
  ];
}
