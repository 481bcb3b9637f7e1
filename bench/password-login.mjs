// Password login against its floor: raw argon2id verifications per second (m = 19 MiB,
// t = 2, p = 1, in this process, no HTTP) vs POST /verify-only (the same verification
// behind Express) vs POST /providers/local-userpass/login (verification, rate limits,
// store reads and writes, a session and a signed access token), on MemoryStore and on
// MongoStore. Everything else a login does should cost little next to the hash.
// Run: npm run build && node bench/password-login.mjs   (BENCH_ROUNDS, BENCH_SECONDS to lengthen it)
import { fileURLToPath } from 'node:url';
import { argon2id, hash, verify } from 'argon2';
import { load, loop, mongoUri, printTable, startServer } from './lib.mjs';

const script = fileURLToPath(new URL('./servers/userpass.mjs', import.meta.url));
const OWASP = { type: argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
const PASSWORD = 'lantern-ocean-Kx7-5512';
const EMAIL = 'bench@example.com';
// In-flight work, HTTP or not: twice libuv's 4 pool threads, so the pool never idles.
const CONCURRENCY = 8;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);

async function rawVerify() {
  const reference = await hash(PASSWORD, OWASP);
  return loop({ seconds: SECONDS, concurrency: CONCURRENCY, step: () => verify(reference, PASSWORD) });
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
    return await fn(base);
  } finally {
    await server.stop();
  }
}

const post = (url, body) => ({
  url,
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
    await withServer({}, async (memory) =>
      withServer({ STORE: 'mongo', MONGODB_URI: mongo.uri, BENCH_DB: `bench_userpass_${Date.now()}` }, async (ferret) => {
        // Interleaved rounds, so drift on a shared machine hits every case alike.
        for (let round = 0; round < ROUNDS; round++) {
          add('argon2id verify, raw (baseline)', await rawVerify());
          add('POST /verify-only (Express + argon2id)', await load(post(`${memory}/verify-only`, { password: PASSWORD })));
          const login = { username: EMAIL, password: PASSWORD };
          add('login, MemoryStore', await load(post(`${memory}/auth/providers/local-userpass/login`, login)));
          add('login, MongoStore (FerretDB)', await load(post(`${ferret}/auth/providers/local-userpass/login`, login)));
        }
      }),
    );
  } finally {
    await mongo.stop();
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rows = [...samples].map(([name, s]) => ({ name, rps: median(s.map((x) => x.rps)), p99: median(s.map((x) => x.p99)) }));
  printTable(`Password login vs raw argon2id (${CONCURRENCY} in flight, ${ROUNDS} rounds × ${SECONDS} s, median)`, rows);
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
