// The app of the scale benchmarks, seeded in bulk before it listens: BENCH_USERS users who log
// in with custom-function (the payload's `id` is the identity id, `user-<i>`), or BENCH_KEYS
// users holding one API key each (bench/seed.mjs derives key `i`). Routes: the router at /auth
// (custom-function and api-key logins, per-address limits lifted) and GET /api-key-uncached
// (requireUser({ apiKeys: true }) without the verified-key cache: a key lookup, a `lastUsedAt`
// write and the user's reads on every request), and GET /bare (no auth: what the same process,
// holding the same heap, serves without the store).
// STORE=mongo uses MongoStore on MONGODB_URI (database BENCH_DB), otherwise MemoryStore.
// Prints `SEEDED <seconds>`, `RSS <MiB>` after a garbage collection, then `PORT <n>`.
import express from 'express';
import { createAuth, MemoryStore } from '../../dist/index.js';
import { apiKeyDocs, seedKeyOwners, seedUsers } from '../seed.mjs';
import { benchStore } from './store.mjs';

const { store, db } = await benchStore('bench_scale');
const lifted = { limit: 1e9 };
const options = {
  store,
  tokens: { signingKeys: ['bench-secret-bench-secret-bench-secret!'] },
  logger: { info() {}, warn() {}, error: console.error },
};
const providers = {
  'custom-function': {
    authenticate: async (payload) => String(payload.id),
    rateLimit: { login: { perIp: lifted, failedPerIp: lifted } },
  },
  // Every use writes `lastUsedAt` (resolution 0), so a run with 1k keys, which reuses each key
  // many times a minute, does the same store work as one with 1M keys, which reuses none.
  'api-key': { lastUsedResolution: 0, requestCacheMs: 0, rateLimit: { login: { perIp: lifted, failedPerIp: lifted } } },
};
const auth = createAuth({ ...options, providers });
await auth.init();

/**
 * How seeded key records reach each store. Store has no bulk insert of keys: MongoStore's
 * collection takes the documents its insertApiKey writes; MemoryStore takes them one by one
 * (its unique keys are map lookups).
 */
const insertKeys =
  store instanceof MemoryStore
    ? async (keys) => {
        for (const key of keys) await store.insertApiKey(key);
      }
    : async (keys) => void (await db.collection('auth_api_keys').insertMany(apiKeyDocs(keys), { ordered: false }));

const users = Number(process.env.BENCH_USERS ?? 0);
const keys = Number(process.env.BENCH_KEYS ?? 0);
const seconds = (users ? await seedUsers(store, 0, users) : 0) + (keys ? await seedKeyOwners(store, keys, insertKeys) : 0);
globalThis.gc?.();
console.log(`SEEDED ${seconds.toFixed(1)}`);
console.log(`RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)}`);

const app = express();
app.use('/auth', auth.router);
app.get('/bare', (req, res) => res.json({ ok: true }));
app.get('/api-key-uncached', auth.requireUser({ apiKeys: true }), (req, res) => res.json({ ok: true, user: req.user.id }));
const server = app.listen(0, '127.0.0.1', () => console.log(`PORT ${server.address().port}`));
