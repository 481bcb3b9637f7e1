import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../src/errors.js';
import { MongoStore } from '../src/store/mongo/mongo-store.js';
import { detectAtomicUpdates } from '../src/store/mongo/mongo-server.js';
import { storeContract } from './store.contract.js';
import { mongoServerName, useTestDb } from './support/mongo.js';

const db = useTestDb('store');
let n = 0;
const serverIsAtomic = await detectAtomicUpdates(db());

// Each test gets fresh collections (a prefix of its own) in this file's database; both update
// paths run on whatever server this is. Where its conditional updates are not atomic (FerretDB),
// the atomic path is checked one call at a time.
storeContract(`MongoStore on ${mongoServerName}, locked updates`, async () =>
  new MongoStore({ db: db(), collectionPrefix: `c${n++}_`, atomicUpdates: false }),
);
storeContract(
  `MongoStore on ${mongoServerName}, atomic updates`,
  async () => new MongoStore({ db: db(), collectionPrefix: `c${n++}_`, atomicUpdates: true }),
  { exclusiveUpdates: serverIsAtomic },
);

describe(`MongoStore on ${mongoServerName}`, () => {
  it('creates the unique indexes the design relies on', async () => {
    const store = new MongoStore({ db: db(), collectionPrefix: 'idx_' });
    await store.init();
    const indexes = await db().collection('idx_identities').indexes();
    expect(indexes.find((i) => i.name === 'providerType_id')).toMatchObject({ unique: true });
    const keyIndexes = await db().collection('idx_api_keys').indexes();
    expect(keyIndexes.filter((i) => i.unique).map((i) => i.name).sort()).toEqual(['keyHash', 'userId_name']);
  });

  describe('atomicUpdates', () => {
    it('is detected by init from buildInfo: false on FerretDB, true on MongoDB; false until then', async () => {
      const store = new MongoStore({ db: db(), collectionPrefix: 'det_' });
      expect(store.atomicUpdates).toBe(false);
      await store.init();
      const info = await db().command({ buildInfo: 1 });
      expect(store.atomicUpdates).toBe(!('ferretdbVersion' in info));
    });

    it('when given, is kept whatever the server', async () => {
      for (const atomicUpdates of [true, false]) {
        const store = new MongoStore({ db: db(), collectionPrefix: 'det_', atomicUpdates });
        await store.init();
        expect(store.atomicUpdates).toBe(atomicUpdates);
      }
    });

    it('refuses a value that is not a boolean, with a TypeError naming it', () => {
      expect(() => new MongoStore({ db: db(), atomicUpdates: 'yes' as never })).toThrow(/options\.atomicUpdates/);
    });
  });

  it('reports a stored rotation as done even when releasing its lock fails (the lock expires)', async () => {
    class ReleaseFails extends MongoStore {
      override releaseLock(): Promise<void> {
        return Promise.reject(new StoreUnavailableError('connection lost after the rotation'));
      }
    }
    const store = new ReleaseFails({ db: db(), collectionPrefix: 'rel_', atomicUpdates: false });
    await store.init();
    const now = new Date();
    await store.insertSession({ id: 'a'.repeat(24), userId: 'u1', refreshHash: 'h0', createdAt: now, lastUsedAt: now, expiresAt: new Date(now.getTime() + 60_000) });
    await expect(store.rotateSession('a'.repeat(24), 'h0', 'h1', now)).resolves.toMatchObject({ refreshHash: 'h1' });
    expect((await store.getSession('a'.repeat(24), now))?.refreshHash).toBe('h1');
  });

  it('refuses a missing db option with a TypeError naming it', () => {
    expect(() => new MongoStore({} as never)).toThrow(/options\.db/);
  });
});
