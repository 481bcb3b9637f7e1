import type { MongoClientOptions } from 'mongodb';
import { MemoryStore, MongoStore, type Store } from '../../src/index.js';
import { mongoServerName, useTestDb } from './mongo.js';

export interface StoreCase {
  name: string;
  make: () => Store;
}

/**
 * The stores an HTTP test file runs against: MongoStore on the test server (each call a
 * fresh set of collections in the file's database) and MemoryStore. With `atomicPath`, also
 * MongoStore taking conditional updates as atomic, as it does on MongoDB (on FerretDB, for
 * behaviour one request at a time only). `client` sets the MongoClient's options.
 */
export function storeCases(label: string, options: { atomicPath?: boolean; client?: MongoClientOptions } = {}): StoreCase[] {
  const db = useTestDb(label, options.client);
  let n = 0;
  return [
    { name: `MongoStore on ${mongoServerName}`, make: () => new MongoStore({ db: db(), collectionPrefix: `s${n++}_` }) },
    ...(options.atomicPath
      ? [
          {
            name: `MongoStore on ${mongoServerName}, atomic updates`,
            make: () => new MongoStore({ db: db(), collectionPrefix: `s${n++}_`, atomicUpdates: true }),
          },
        ]
      : []),
    { name: 'MemoryStore', make: () => new MemoryStore() },
  ];
}
