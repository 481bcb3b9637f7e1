import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../src/errors.js';
import { MongoStore } from '../src/store/mongo/mongo-store.js';
import { storeContract } from './store.contract.js';
import { mongoServerName, useTestDb } from './support/mongo.js';

const db = useTestDb('store');
let n = 0;

// Each test gets fresh collections (a prefix of its own) in this file's database.
storeContract(`MongoStore on ${mongoServerName}`, async () => new MongoStore({ db: db(), collectionPrefix: `c${n++}_` }));

describe(`MongoStore on ${mongoServerName}`, () => {
  it('creates the unique indexes the design relies on', async () => {
    const store = new MongoStore({ db: db(), collectionPrefix: 'idx_' });
    await store.init();
    const indexes = await db().collection('idx_identities').indexes();
    expect(indexes.find((i) => i.name === 'providerType_id')).toMatchObject({ unique: true });
    const keyIndexes = await db().collection('idx_api_keys').indexes();
    expect(keyIndexes.filter((i) => i.unique).map((i) => i.name).sort()).toEqual(['keyHash', 'userId_name']);
  });

  it('reports a stored rotation as done even when releasing its lock fails (the lock expires)', async () => {
    class ReleaseFails extends MongoStore {
      override releaseLock(): Promise<void> {
        return Promise.reject(new StoreUnavailableError('connection lost after the rotation'));
      }
    }
    const store = new ReleaseFails({ db: db(), collectionPrefix: 'rel_' });
    await store.init();
    const now = new Date();
    await store.insertSession({ id: 'a'.repeat(24), userId: 'u1', refreshHash: 'h0', createdAt: now, lastUsedAt: now, expiresAt: new Date(now.getTime() + 60_000) });
    await expect(store.rotateSession('a'.repeat(24), 'h0', 'h1', now)).resolves.toBe(true);
    expect((await store.getSession('a'.repeat(24), now))?.refreshHash).toBe('h1');
  });

  it('refuses a missing db option with a TypeError naming it', () => {
    expect(() => new MongoStore({} as never)).toThrow(/options\.db/);
  });
});
