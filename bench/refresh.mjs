// Refresh throughput: each worker holds its own session and chains POST /session (a
// rotation: one read, one claim insert, one conditional update, one identities read).
// Baseline: GET /bare on the same server through the same client loop.
import { fileURLToPath } from 'node:url';
import { loop, mongoUri, printTable, startServer } from './lib.mjs';

const script = fileURLToPath(new URL('./servers/app.mjs', import.meta.url));

async function measure(label, env) {
  const server = await startServer(script, env);
  const base = `http://127.0.0.1:${server.port}`;
  try {
    const concurrency = 16;
    const tokens = [];
    for (let i = 0; i < concurrency; i++) {
      const res = await fetch(`${base}/auth/providers/anon-user/login`, { method: 'POST' });
      tokens.push((await res.json()).refresh_token);
    }
    const bare = await loop({ concurrency, step: async () => void (await (await fetch(`${base}/bare`)).arrayBuffer()) });
    const refresh = await loop({
      concurrency,
      step: async (w) => {
        const res = await fetch(`${base}/auth/session`, { method: 'POST', headers: { authorization: `Bearer ${tokens[w]}` } });
        if (res.status !== 200) throw new Error(`refresh answered ${res.status}`);
        tokens[w] = (await res.json()).refresh_token;
      },
    });
    return [
      { name: `${label}: GET /bare (baseline)`, ...bare },
      { name: `${label}: POST /session (rotate)`, ...refresh },
    ];
  } finally {
    await server.stop();
  }
}

export async function run() {
  const mongo = await mongoUri();
  try {
    const memory = await measure('MemoryStore', {});
    printTable('Refresh throughput (16 sessions refreshing in a loop, 4 s)', memory);
    const ferret = await measure('MongoStore', { STORE: 'mongo', MONGODB_URI: mongo.uri, BENCH_DB: `bench_refresh_${Date.now()}` });
    printTable('', ferret);
  } finally {
    await mongo.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
