// Password login against its floor: raw argon2id verifications per second (m = 19 MiB, t = 2,
// p = 1, no HTTP, in a process pinned to the servers' core) vs POST /verify-only (the same
// verification behind Express) vs POST /providers/local-userpass/login (verification, rate
// limits, store reads and writes, a session and a signed access token), on MemoryStore and on
// MongoStore. Everything else a login does should cost little next to the hash (goal: login
// ≥ 0.9 × raw). Besides throughput, each case's CPU time per operation (all threads of the
// process under test), which neighbours on a shared machine do not move: its ratio says how
// much work a login adds to a verification, whatever else the core was doing.
// Run: npm run build && node bench/password-login.mjs   (BENCH_ROUNDS, BENCH_SECONDS to lengthen it)
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { aloneOnCore, load, median, mongoUri, pinnedNode, startServer } from './lib.mjs';

const script = fileURLToPath(new URL('./servers/userpass.mjs', import.meta.url));
const rawScript = fileURLToPath(new URL('./servers/argon2-raw.mjs', import.meta.url));
const PASSWORD = 'lantern-ocean-Kx7-5512';
const EMAIL = 'bench@example.com';
// In-flight work, HTTP or not: twice libuv's 4 pool threads, so the pool never idles.
const CONCURRENCY = 8;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);

async function rawVerify() {
  const child = pinnedNode([rawScript], { BENCH_PASSWORD: PASSWORD, BENCH_SECONDS: String(SECONDS), BENCH_CONCURRENCY: String(CONCURRENCY) });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const [code] = await once(child, 'exit');
  const match = /RESULT (.*)/.exec(out);
  if (code !== 0 || !match) throw new Error(`argon2-raw exited with ${code}`);
  return JSON.parse(match[1]);
}

async function withServer(env, fn) {
  const server = await startServer(script, { ...env, BENCH_PASSWORD: PASSWORD });
  try {
    const base = `http://127.0.0.1:${server.port}`;
    const reg = await fetch(`${base}/auth/providers/local-userpass/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    });
    if (reg.status !== 201) throw new Error(`register answered ${reg.status}`);
    return await fn(base, server.pid);
  } finally {
    await server.stop();
  }
}

const post = (url, pid, body) => ({
  url,
  pid,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
  seconds: SECONDS,
  connections: CONCURRENCY,
});

export async function run() {
  const mongo = await mongoUri();
  const samples = new Map();
  const add = (name, result) => samples.set(name, [...(samples.get(name) ?? []), result]);
  try {
    await withServer({}, async (memory, memoryPid) =>
      withServer({ STORE: 'mongo', MONGODB_URI: mongo.uri, BENCH_DB: `bench_userpass_${Date.now()}` }, async (ferret, ferretPid) => {
        const login = { username: EMAIL, password: PASSWORD };
        // Each case alone on the core: the servers not under measurement are stopped.
        const alone = (pid, fn) => aloneOnCore(pid, [memoryPid, ferretPid], fn);
        // An uncounted pass, then interleaved rounds, so drift on a shared machine hits every case alike.
        for (let round = -1; round < ROUNDS; round++) {
          const keep = round >= 0 ? add : () => {};
          keep('argon2id verify, raw (baseline)', await alone(undefined, rawVerify));
          keep('POST /verify-only (Express + argon2id)', await alone(memoryPid, () => load(post(`${memory}/verify-only`, memoryPid, { password: PASSWORD }))));
          keep('login, MemoryStore', await alone(memoryPid, () => load(post(`${memory}/auth/providers/local-userpass/login`, memoryPid, login))));
          keep('login, MongoStore (FerretDB)', await alone(ferretPid, () => load(post(`${ferret}/auth/providers/local-userpass/login`, ferretPid, login))));
        }
      }),
    );
  } finally {
    await mongo.stop();
  }
  const rows = [...samples].map(([name, s]) => ({ name, ...Object.fromEntries(['rps', 'p50', 'p99', 'cpu'].map((k) => [k, median(s.map((x) => x[k]))])) }));
  const [base] = rows;
  console.log(`\nPassword login vs raw argon2id (${CONCURRENCY} in flight, ${ROUNDS} rounds × ${SECONDS} s, median)`);
  console.log('| case | req/s | p50 ms | p99 ms | ratio to raw | CPU ms per op | ratio to raw, per CPU ms |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(`| ${r.name} | ${r.rps.toFixed(1)} | ${r.p50} | ${r.p99} | ${(r.rps / base.rps).toFixed(3)} | ${r.cpu.toFixed(1)} | ${(base.cpu / r.cpu).toFixed(3)} |`);
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
