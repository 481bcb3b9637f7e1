// API keys as their number grows: the uncached request check (`requireUser({ apiKeys: true })`
// without the verified-key cache: key lookup by hash, `lastUsedAt` write, user reads) and the
// API-key login, each with a random seeded key per request, against stores holding few and many
// keys (each key a user's, seeded in bulk): 1k and 1M on MemoryStore (BENCH_KEYS_MEMORY), 1k and
// 100k on FerretDB (BENCH_KEYS). Baseline: the smallest size on the same store; the goal is
// the same throughput (ratio ≥ 0.95). The server's RSS after seeding is printed with each size.
// A control: GET /bare, a route without auth in the same servers. In the one process of
// MemoryStore, a large heap slows V8's young-generation collections for every route, store or
// not; the bare route's ratio shows how much of a drop is the runtime's.
import { compare } from './lib.mjs';
import { apiKeyOf } from './seed.mjs';
import { short, STORES, withScaleServers } from './scale-stores.mjs';

const sizes = (store) =>
  (store === 'memory' ? (process.env.BENCH_KEYS_MEMORY ?? '1000,1000000') : (process.env.BENCH_KEYS ?? '1000,100000')).split(',').map(Number);

const randomKey = (size) => apiKeyOf(Math.floor(Math.random() * size));

export async function run(options) {
  const results = {};
  for (const store of STORES) {
    results[store] = await withScaleServers(store, sizes(store), (size) => ({ BENCH_KEYS: String(size) }), async (servers, label) => {
      const name = (s) => `${short(s.size)} keys (seeded in ${s.seeded.toFixed(1)} s, RSS ${s.rssMiB} MiB)`;
      const check = await compare(
        `API-key request check, no cache, ${label} (16 connections)`,
        servers.map((s) => ({
          name: name(s),
          pid: s.pid,
          url: `http://127.0.0.1:${s.port}/api-key-uncached`,
          connections: 16,
          setup: (req) => ({ ...req, headers: { ...req.headers, authorization: `ApiKey ${randomKey(s.size)}` } }),
        })),
        options,
      );
      const login = await compare(
        `API-key login, ${label} (8 connections)`,
        servers.map((s) => ({
          name: name(s),
          pid: s.pid,
          url: `http://127.0.0.1:${s.port}/auth/providers/api-key/login`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          connections: 8,
          setup: (req) => ({ ...req, body: JSON.stringify({ key: randomKey(s.size) }) }),
        })),
        options,
      );
      const bare = await compare(
        `Control: a bare route (no auth) in the same servers, ${label} (16 connections)`,
        servers.map((s) => ({ name: name(s), pid: s.pid, url: `http://127.0.0.1:${s.port}/bare`, connections: 16 })),
        options,
      );
      return { check, login, bare };
    });
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
