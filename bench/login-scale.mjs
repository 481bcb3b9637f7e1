// Login latency as the user count grows: logins of existing users (custom-function, so
// any seeded user can log in) against MongoStore holding 1k, 10k and 100k users.
// Baseline: the same logins with 1k users. Flat means ratios near 1.
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { MongoStore } from '../dist/index.js';
import { loop, mongoUri, printTable, startServer } from './lib.mjs';

const script = fileURLToPath(new URL('./servers/login-scale.mjs', import.meta.url));
const SIZES = (process.env.BENCH_USERS ?? '1000,10000,100000').split(',').map(Number);

/** Adds users through the store itself (identity first, then user), 32 at a time, up to `target`. */
async function seed(store, from, target) {
  const now = new Date();
  const one = async (i) => {
    const userId = `${i.toString(16).padStart(24, '0')}`;
    await store.insertIdentity({ id: `user-${i}`, providerType: 'custom-function', userId, data: {}, createdAt: now, lastLoginAt: now });
    await store.insertUser({ id: userId, type: 'normal', data: {}, anonymous: false, providers: ['custom-function'], disabled: false, createdAt: now, lastAuthAt: now });
  };
  for (let i = from; i < target; i += 32) {
    await Promise.all(Array.from({ length: Math.min(32, target - i) }, (_, k) => one(i + k)));
  }
}

export async function run() {
  const mongo = await mongoUri();
  const dbName = `bench_login_${Date.now()}`;
  const client = await MongoClient.connect(mongo.uri);
  const store = new MongoStore({ db: client.db(dbName) });
  await store.init();
  const server = await startServer(script, { MONGODB_URI: mongo.uri, BENCH_DB: dbName });
  const rows = [];
  try {
    let seeded = 0;
    for (const size of SIZES) {
      const started = performance.now();
      await seed(store, seeded, size);
      seeded = size;
      const seconds = ((performance.now() - started) / 1000).toFixed(0);
      const result = await loop({
        concurrency: 8,
        step: async () => {
          const id = `user-${Math.floor(Math.random() * size)}`;
          const res = await fetch(`http://127.0.0.1:${server.port}/auth/providers/custom-function/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ id }),
          });
          if (res.status !== 200) throw new Error(`login answered ${res.status}`);
          await res.arrayBuffer();
        },
      });
      rows.push({ name: `${size} users (seeded in ${seconds} s)`, ...result });
    }
    printTable('Login of existing users as the user count grows (MongoStore, 8 clients, 4 s each)', rows);
  } finally {
    await server.stop();
    await client.db(dbName).dropDatabase().catch(() => undefined);
    await client.close();
    await mongo.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
