// Login as the user count grows: logins of existing users (custom-function, a random seeded
// user each time) against stores holding 1k, 10k and 100k users (BENCH_USERS), seeded in bulk
// through the store, one server per size, measured in interleaved rounds. Baseline: the
// smallest size on the same store. Flat means ratios near 1 (the goal: 100k within 1.1× of 1k).
import { compare } from './lib.mjs';
import { identityIdOf } from './seed.mjs';
import { short, STORES, withScaleServers } from './scale-stores.mjs';

const SIZES = (process.env.BENCH_USERS ?? '1000,10000,100000').split(',').map(Number);

export async function run(options) {
  const results = {};
  for (const store of STORES) {
    results[store] = await withScaleServers(store, SIZES, (size) => ({ BENCH_USERS: String(size) }), (servers, label) =>
      compare(
        `Login of an existing user, ${label} (custom-function, 8 connections)`,
        servers.map((s) => ({
          name: `${short(s.size)} users (seeded in ${s.seeded.toFixed(1)} s)`,
          pid: s.pid,
          url: `http://127.0.0.1:${s.port}/auth/providers/custom-function/login`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          connections: 8,
          setup: (req) => ({ ...req, body: JSON.stringify({ id: identityIdOf(Math.floor(Math.random() * s.size)) }) }),
        })),
        options,
      ),
    );
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
