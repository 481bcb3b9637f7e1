// Shared bench plumbing: start a server script in its own process, load it from this
// one with autocannon, and print results as ratios against a baseline of the same run.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import autocannon from 'autocannon';

/** `node <args>` on a core of its own, core 0 (the load generator, this process, takes the other). */
export function pinnedNode(args, env = {}) {
  const pinned = os.cpus().length >= 2 && existsSync('/usr/bin/taskset');
  const [command, argv] = pinned ? ['/usr/bin/taskset', ['-c', '0', process.execPath, ...args]] : [process.execPath, args];
  // taskset execs node: the child's pid is node's.
  return spawn(command, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
}

/** CPU time a process has used so far, all its threads, milliseconds (Linux; undefined elsewhere). */
export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS = Number(process.env.CLK_TCK ?? 100);

/**
 * Starts `node <script>` (pinned, see pinnedNode); resolves once it prints `PORT <n>`, with the
 * port, its pid, what it printed until then, and a stop function.
 */
export async function startServer(script, env = {}) {
  const child = pinnedNode([script], env);
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
    pid: child.pid,
    output: buffer,
    stop: async () => {
      child.kill();
      await once(child, 'exit').catch(() => undefined);
    },
  };
}

/**
 * Requests per second of one route, `seconds` long (bounded), `connections` concurrent.
 * `setup(request)`, if given, rewrites each request before it is sent (a random body or key).
 * With the server's `pid`, also the CPU time it spent per request, milliseconds (`cpu`).
 */
export async function load({ url, headers = {}, method = 'GET', body, setup, pid, seconds = 5, connections = 32 }) {
  const cpuBefore = pid && cpuMs(pid);
  const result = await autocannon({
    url,
    headers,
    method,
    body,
    duration: seconds,
    connections,
    pipelining: 1,
    ...(setup && { requests: [{ setupRequest: setup }] }),
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  const cpu = pid && (cpuMs(pid) - cpuBefore) / result.requests.total;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, ...(pid && { cpu }) };
}

/**
 * Measures each case `rounds` times, interleaved so drift on a shared machine hits all
 * alike, and prints the median throughput of each as a ratio to the first (the baseline).
 * Cases that name their server's `pid` are measured alone: the other cases' servers, pinned
 * to the same core, are stopped (SIGSTOP) meanwhile, so that work one of them still does
 * after its own turn (a collection of a large heap) is not counted against the next case.
 */
export async function compare(title, cases, { rounds = Number(process.env.BENCH_ROUNDS ?? 5), seconds = 3 } = {}) {
  const samples = new Map(cases.map((c) => [c.name, []]));
  const alone = (c, options) => aloneOnCore(c.pid, cases.map((o) => o.pid), () => load({ ...c, ...options }));
  // A first pass, not counted: JIT warm-up and caches filled for every case.
  for (const c of cases) await alone(c, { seconds: 1 });
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) samples.get(c.name).push(await alone(c, { seconds: c.seconds ?? seconds }));
  }
  const rows = cases.map((c) => ({ name: c.name, ...medians(samples.get(c.name)) }));
  printTable(`${title}  (${rounds} rounds × ${seconds} s, median)`, rows);
  return rows;
}

/** Runs `fn` with the processes `pids` other than `pid` stopped; they continue afterwards, whatever happens. */
export async function aloneOnCore(pid, pids, fn) {
  const others = [...new Set(pids)].filter((p) => p !== undefined && p !== pid);
  for (const p of others) process.kill(p, 'SIGSTOP');
  try {
    return await fn();
  } finally {
    for (const p of others) process.kill(p, 'SIGCONT');
  }
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The median of each measure over rounds `{ rps, p50, p99 }`. */
export const medians = (samples) => ({
  rps: median(samples.map((x) => x.rps)),
  p50: median(samples.map((x) => x.p50)),
  p99: median(samples.map((x) => x.p99)),
});

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
  const at = (q) => Math.round(latencies[Math.floor(latencies.length * q)] ?? 0);
  return { rps: latencies.length / seconds, p50: at(0.5), p99: at(0.99) };
}

/** Prints rows `{ name, rps, p50, p99, ratio? }` as a table of ratios (`ratio`, else req/s over the first row's). */
export function printTable(title, rows) {
  if (title) console.log(`\n${title}`);
  console.log('| case | req/s | p50 ms | p99 ms | ratio to baseline |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(`| ${r.name} | ${Math.round(r.rps)} | ${r.p50 ?? '—'} | ${r.p99} | ${(r.ratio ?? r.rps / rows[0].rps).toFixed(3)} |`);
  }
}

/** A loopback port nothing listens on right now. */
async function freePort() {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A MongoDB-compatible server for benchmarks: MONGODB_URI, else FerretDB on SQLite started here (as the tests do). */
export async function mongoUri() {
  if (process.env.MONGODB_URI) return { uri: process.env.MONGODB_URI, stop: async () => {} };
  return ferretdb('sqlite');
}

/**
 * FerretDB started here (scripts/ferretdb.sh) with `backend`: `sqlite`, or `postgresql` (a
 * database of its own on the machine's PostgreSQL, named in `database`, dropped by `stop`).
 * `postgresqlOptions`: run-time settings for FerretDB's PostgreSQL connections (`a=b&c=d`).
 */
export async function ferretdb(backend, { postgresqlOptions } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ferretdb-'));
  const port = await freePort();
  const env = { ...process.env, ...(postgresqlOptions && { FERRETDB_POSTGRESQL_OPTIONS: postgresqlOptions }) };
  try {
    execFileSync('bash', ['scripts/ferretdb.sh', 'start', dir, String(port), backend], { encoding: 'utf8', env });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const database = backend === 'postgresql' ? readFileSync(join(dir, 'postgresql-database'), 'utf8').trim() : undefined;
  const pgServer = (process.env.FERRETDB_POSTGRESQL_URL ?? 'postgres://postgres@127.0.0.1:5432/').replace(/\/$/, '');
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    /** FerretDB's own PostgreSQL database, with the backend `postgresql`. */
    postgresqlUrl: database && `${pgServer}/${database}`,
    stop: async () => {
      execFileSync('bash', ['scripts/ferretdb.sh', 'stop', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
