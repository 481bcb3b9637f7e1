// The store of a benchmark server: STORE=mongo gives MongoStore on MONGODB_URI (database
// BENCH_DB), anything else MemoryStore.
import { MongoClient } from 'mongodb';
import { MemoryStore, MongoStore } from '../../dist/index.js';

export async function benchStore(defaultDb = 'bench') {
  if (process.env.STORE !== 'mongo') return { store: new MemoryStore(), db: undefined };
  const client = await MongoClient.connect(process.env.MONGODB_URI);
  const db = client.db(process.env.BENCH_DB ?? defaultDb);
  return { store: new MongoStore({ db }), db };
}
