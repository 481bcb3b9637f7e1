// The stores the scale benchmarks run on (BENCH_STORES, comma-separated):
//   memory          MemoryStore, in the server process
//   postgresql      MongoStore on FerretDB 1.24 with its PostgreSQL backend, as FerretDB sets it up
//   postgresql-gin  the same, plus the GIN indexes of scripts/ferretdb-postgresql-indexes.sql and
//                   plan_cache_mode=force_custom_plan on FerretDB's connections
//   sqlite          MongoStore on FerretDB 1.24 with its SQLite backend (what CI runs; slow to seed)
// Each FerretDB store is a server of its own, with a PostgreSQL database of its own.
import { execFileSync } from 'node:child_process';
import { ferretdb, startServer } from './lib.mjs';

export const STORES = (process.env.BENCH_STORES ?? 'memory,postgresql,postgresql-gin').split(',');

const LABELS = {
  memory: 'MemoryStore',
  postgresql: 'MongoStore on FerretDB/PostgreSQL',
  'postgresql-gin': 'MongoStore on FerretDB/PostgreSQL + GIN indexes',
  sqlite: 'MongoStore on FerretDB/SQLite',
};

/** The user-facing thousands of a count: 1000 → "1k", 1000000 → "1M". */
export const short = (n) => (n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n));

/**
 * Runs `fn(store)` with the store `name` ready: `store.label`; `store.env(database)`, the
 * environment that points a bench server at it (none for MemoryStore); `store.prepare()`, to
 * call once the servers have created their collections (the GIN indexes of `postgresql-gin`).
 */
export async function withStore(name, fn) {
  const label = LABELS[name];
  if (!label) throw new Error(`BENCH_STORES: unknown store ${name}`);
  const backend = name === 'memory' ? undefined : name === 'sqlite' ? 'sqlite' : 'postgresql';
  const server = backend && (await ferretdb(backend, name === 'postgresql-gin' ? { postgresqlOptions: 'plan_cache_mode=force_custom_plan' } : {}));
  try {
    return await fn({
      label,
      env: (database) => (server ? { STORE: 'mongo', MONGODB_URI: server.uri, BENCH_DB: database } : {}),
      prepare: () => {
        if (name !== 'postgresql-gin') return;
        execFileSync('psql', [server.postgresqlUrl, '-qAt', '-v', 'ON_ERROR_STOP=1', '-f', 'scripts/ferretdb-postgresql-indexes.sql']);
      },
    });
  } finally {
    await server?.stop();
  }
}

/**
 * Runs `fn(servers, label)` with one seeded server (bench/servers/scale.mjs) per size on the
 * store `name`; `seed(size)` is the environment that says what to seed. Each server carries
 * `size`, `seeded` (seconds) and `rssMiB` (after seeding). Everything is stopped afterwards.
 */
export async function withScaleServers(name, sizes, seed, fn) {
  return withStore(name, async (store) => {
    const started = [];
    try {
      const script = new URL('./servers/scale.mjs', import.meta.url).pathname;
      for (const size of sizes) {
        const s = await startServer(script, { ...seed(size), NODE_OPTIONS: '--expose-gc', ...store.env(`bench_scale_${size}`) });
        started.push(s);
        s.size = size;
        s.seeded = Number(/SEEDED (\S+)/.exec(s.output)?.[1]);
        s.rssMiB = Number(/RSS (\d+)/.exec(s.output)?.[1]);
      }
      store.prepare();
      return await fn(started, store.label);
    } finally {
      for (const s of started) await s.stop();
    }
  });
}
