// Whether an answer's timing tells a taken address from a free one: `register` and
// `reset/send` for known and unknown addresses, interleaved one request at a time, median
// latency of each; a ratio near 1.00 is what the answers' equal bodies promise.
import { fileURLToPath } from 'node:url';
import { mongoUri, startServer } from './lib.mjs';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 50);
const PASSWORD = 'Kx7-bench-password-1';

async function timed(url, body) {
  const start = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  if (res.status >= 300) throw new Error(`${url}: ${res.status}`);
  return performance.now() - start;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(label, env) {
  const server = await startServer(fileURLToPath(new URL('./servers/userpass-mail.mjs', import.meta.url)), env);
  const base = `http://127.0.0.1:${server.port}/auth/providers/local-userpass`;
  try {
    await timed(`${base}/register`, { email: 'known@example.com', password: PASSWORD });
    const run = Date.now();
    const samples = { registerTaken: [], registerNew: [], resetKnown: [], resetUnknown: [] };
    const requests = {
      registerTaken: () => timed(`${base}/register`, { email: 'known@example.com', password: PASSWORD }),
      registerNew: (i) => timed(`${base}/register`, { email: `new-${run}-${i}@example.com`, password: PASSWORD }),
      resetKnown: () => timed(`${base}/reset/send`, { email: 'known@example.com' }),
      resetUnknown: (i) => timed(`${base}/reset/send`, { email: `nobody-${run}-${i}@example.com` }),
    };
    for (let i = -5; i < SAMPLES; i++) {
      // A fresh random order each round, so no case always follows the same one; the first
      // five rounds are warm-up, not counted.
      const order = Object.keys(requests).sort(() => Math.random() - 0.5);
      for (const name of order) {
        const ms = await requests[name](i + 5);
        if (i >= 0) samples[name].push(ms);
      }
    }
    const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
    console.log(`| ${label} | register | ${m.registerTaken.toFixed(2)} | ${m.registerNew.toFixed(2)} | ${(m.registerTaken / m.registerNew).toFixed(3)} |`);
    console.log(`| ${label} | reset/send | ${m.resetKnown.toFixed(2)} | ${m.resetUnknown.toFixed(2)} | ${(m.resetKnown / m.resetUnknown).toFixed(3)} |`);
  } finally {
    await server.stop();
  }
}

export async function run() {
  console.log(`\nTiming of known vs unknown addresses (${SAMPLES} interleaved requests each, median ms)`);
  console.log('| store | route | known address | unknown address | ratio |');
  console.log('| --- | --- | ---: | ---: | ---: |');
  await measure('MemoryStore', {});
  const mongo = await mongoUri();
  try {
    await measure('FerretDB (SQLite)', { STORE: 'mongo', MONGODB_URI: mongo.uri, BENCH_DB: `bench_enum_${Date.now()}` });
  } finally {
    await mongo.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
