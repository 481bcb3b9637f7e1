// Shared bench plumbing: start a server script in its own process, load it from this
// one with autocannon, and print results as ratios against a baseline of the same run.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import os from 'node:os';
import autocannon from 'autocannon';

/**
 * Starts `node <script>`; resolves once it prints `PORT <n>`, with the port, what it
 * printed until then, and a stop function.
 */
export async function startServer(script, env = {}) {
  // The server gets a core of its own (the load generator, this process, takes the other).
  const pinned = os.cpus().length >= 2 && existsSync('/usr/bin/taskset');
  const [command, args] = pinned ? ['/usr/bin/taskset', ['-c', '0', process.execPath, script]] : [process.execPath, [script]];
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let buffer = '';
  const port = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const match = /PORT (\d+)/.exec(buffer);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return {
    port,
    output: buffer,
    stop: async () => {
      child.kill();
      await once(child, 'exit').catch(() => undefined);
    },
  };
}

/** Requests per second of one route, `seconds` long (bounded), `connections` concurrent. */
export async function load({ url, headers = {}, method = 'GET', body, seconds = 5, connections = 32 }) {
  const result = await autocannon({ url, headers, method, body, duration: seconds, connections, pipelining: 1 });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  return { rps: result.requests.average, p99: result.latency.p99 };
}

/**
 * Measures each case `rounds` times, interleaved so drift on a shared machine hits all
 * alike, and prints the median throughput of each as a ratio to the first (the baseline).
 */
export async function compare(title, cases, { rounds = Number(process.env.BENCH_ROUNDS ?? 5), seconds = 3 } = {}) {
  const samples = new Map(cases.map((c) => [c.name, []]));
  // A first pass, not counted: JIT warm-up and caches filled for every case.
  for (const c of cases) await load({ ...c, seconds: 1 });
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) samples.get(c.name).push(await load({ seconds, ...c }));
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rows = cases.map((c) => {
    const s = samples.get(c.name);
    return { name: c.name, rps: median(s.map((x) => x.rps)), p99: median(s.map((x) => x.p99)) };
  });
  printTable(`${title}  (${rounds} rounds × ${seconds} s, median)`, rows);
  return rows;
}

/**
 * A closed loop for flows autocannon cannot replay (each refresh needs the token the
 * previous one returned): `concurrency` workers each call `step(worker)` until `seconds`
 * pass. Resolves with completed steps per second and the p99 step latency.
 */
export async function loop({ seconds = 4, concurrency = 16, step }) {
  const end = performance.now() + seconds * 1000;
  const latencies = [];
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (performance.now() < end) {
        const start = performance.now();
        await step(worker);
        latencies.push(performance.now() - start);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / seconds, p99: Math.round(latencies[Math.floor(latencies.length * 0.99)] ?? 0) };
}

/** Prints rows `{ name, rps, p99 }` as a table of ratios to the first. */
export function printTable(title, rows) {
  const base = rows[0].rps;
  console.log(`\n${title}`);
  console.log('| case | req/s | p99 ms | ratio to baseline |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.name} | ${Math.round(r.rps)} | ${r.p99} | ${(r.rps / base).toFixed(3)} |`);
}

/** A MongoDB-compatible server for benchmarks: MONGODB_URI, else FerretDB started here (as the tests do). */
export async function mongoUri() {
  if (process.env.MONGODB_URI) return { uri: process.env.MONGODB_URI, stop: async () => {} };
  const { execFileSync } = await import('node:child_process');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'bench-ferretdb-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const pid = Number(execFileSync('bash', ['scripts/ferretdb.sh', 'start', dir, String(port)], { encoding: 'utf8' }).trim());
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    stop: async () => {
      process.kill(pid);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
