// Refresh throughput: each worker holds its own session and chains POST /session (a rotation:
// a session read by id, a user read, a lock insert, a conditional update, the lock's delete).
// Baseline: GET /bare on the same server through the same client loop. On each store of
// BENCH_REFRESH_STORES (see scale-stores.mjs; default memory, sqlite, postgresql,
// postgresql-gin): an uncounted pass, then interleaved rounds, median.
import { fileURLToPath } from 'node:url';
import { loop, medians, printTable, startServer } from './lib.mjs';
import { withStore } from './scale-stores.mjs';

const script = fileURLToPath(new URL('./servers/app.mjs', import.meta.url));
const STORES = (process.env.BENCH_REFRESH_STORES ?? 'memory,sqlite,postgresql,postgresql-gin').split(',');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = 3;
const CONCURRENCY = 16;

async function measure(store) {
  const server = await startServer(script, store.env(`bench_refresh_${Date.now()}`));
  const base = `http://127.0.0.1:${server.port}`;
  try {
    store.prepare();
    const tokens = [];
    for (let i = 0; i < CONCURRENCY; i++) {
      const res = await fetch(`${base}/auth/providers/anon-user/login`, { method: 'POST' });
      tokens.push((await res.json()).refresh_token);
    }
    const bare = () => loop({ seconds: SECONDS, concurrency: CONCURRENCY, step: async () => void (await (await fetch(`${base}/bare`)).arrayBuffer()) });
    const refresh = () =>
      loop({
        seconds: SECONDS,
        concurrency: CONCURRENCY,
        step: async (w) => {
          const res = await fetch(`${base}/auth/session`, { method: 'POST', headers: { authorization: `Bearer ${tokens[w]}` } });
          if (res.status !== 200) throw new Error(`refresh answered ${res.status}`);
          tokens[w] = (await res.json()).refresh_token;
        },
      });
    const samples = { bare: [], refresh: [] };
    for (let round = -1; round < ROUNDS; round++) {
      const b = await bare();
      const r = await refresh();
      if (round >= 0) samples.bare.push(b), samples.refresh.push(r);
    }
    const [b, r] = [medians(samples.bare), medians(samples.refresh)];
    return [
      { name: `${store.label}: GET /bare (baseline)`, ...b, ratio: 1 },
      { name: `${store.label}: POST /session (rotate)`, ...r, ratio: r.rps / b.rps },
    ];
  } finally {
    await server.stop();
  }
}

export async function run() {
  const rows = [];
  for (const name of STORES) rows.push(...(await withStore(name, measure)));
  printTable(`Refresh throughput (${CONCURRENCY} sessions refreshing in a loop, ${ROUNDS} rounds × ${SECONDS} s, median; ratio to the same store's GET /bare)`, rows);
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
