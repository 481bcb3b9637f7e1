import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { MongoStore } from '../../src/store/mongo/mongo-store.js';
import type { Store } from '../../src/store/store.js';
import { mongoServerName, useTestDb } from './mongo.js';

/**
 * The stores a test file runs against, for `describe.each`: MongoStore on the test server
 * (fresh collections per call) and MemoryStore. Call at the top of the file.
 */
export function testStores(label: string): [name: string, make: () => Promise<Store>][] {
  const db = useTestDb(label);
  let n = 0;
  return [
    [
      `MongoStore on ${mongoServerName}`,
      async () => {
        const store = new MongoStore({ db: db(), collectionPrefix: `s${n++}_` });
        await store.init();
        return store;
      },
    ],
    ['MemoryStore', async () => new MemoryStore()],
  ];
}
