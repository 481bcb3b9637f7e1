import { MemoryStore, MongoStore, type Store } from '../../src/index.js';
import { mongoServerName, useTestDb } from './mongo.js';

export interface StoreCase {
  name: string;
  make: () => Store;
}

/**
 * The stores an HTTP test file runs against: MongoStore on the test server (each call a
 * fresh set of collections in the file's database) and MemoryStore.
 */
export function storeCases(label: string): StoreCase[] {
  const db = useTestDb(label);
  let n = 0;
  return [
    { name: `MongoStore on ${mongoServerName}`, make: () => new MongoStore({ db: db(), collectionPrefix: `s${n++}_` }) },
    { name: 'MemoryStore', make: () => new MemoryStore() },
  ];
}
