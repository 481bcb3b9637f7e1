import { randomBytes } from 'node:crypto';
import { MongoClient, type Db, type MongoClientOptions } from 'mongodb';
import { afterAll, inject } from 'vitest';

/** The name of the server the MongoDB tests run against, for test titles. */
export const mongoServerName = inject('mongoServer');

/**
 * A database of its own for the calling test file, dropped when the file ends,
 * so files can run in parallel against one server.
 */
export function useTestDb(label: string, options: MongoClientOptions = {}): () => Db {
  const client = new MongoClient(inject('mongoUri'), { serverSelectionTimeoutMS: 10_000, ...options });
  const db = client.db(`t_${label.replace(/[^a-z0-9]/gi, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`);
  afterAll(async () => {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  });
  return () => db;
}
