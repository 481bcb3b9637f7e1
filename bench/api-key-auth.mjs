#!/usr/bin/env node
/**
 * API-key request authentication: what `requireUser({ apiKeys: true })` costs per request,
 * against a bare route measured in the same run on the same machine.
 *
 *   npm run build && node bench/api-key-auth.mjs [--rounds 3] [--duration 3] [--connections 10] [--mongo]
 *
 * The app runs in a child process on a MemoryStore (or, with --mongo, a MongoStore on
 * MONGODB_URI: then the uncached route shows what the cache saves in store round trips);
 * autocannon drives it over loopback from this one. The routes are measured in turn,
 * `rounds` times; each round's ratios are taken against that round's bare route, and the
 * table shows medians, so load from other processes on a shared machine skews little.
 * Bounded: about rounds × 4 × duration seconds, plus 4 s of warm-up. Routes:
 *   bare            no authentication
 *   bearer          requireUser() with an access token (verified-token cache)
 *   apikey          requireUser({ apiKeys: true }) with `Authorization: ApiKey <key>` (verified-key cache)
 *   apikey-nocache  the same with requestCacheMs: 0 (key, user and identities read on every request)
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    serve: { type: 'boolean', default: false },
    mongo: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
  },
});

if (args.serve) await serve();
else await measure();

/** The child: an app with the four routes, a user with a key; prints what the load generator needs. */
async function serve() {
  const express = (await import('express')).default;
  const { createAuth, MemoryStore, MongoStore } = await import('../dist/index.js');
  const { privateKey } = generateKeyPairSync('ed25519');
  const signingKeys = [{ ...privateKey.export({ format: 'jwk' }), kid: 'bench', kty: 'OKP' }];
  let store = new MemoryStore();
  if (args.mongo) {
    const { MongoClient } = await import('mongodb');
    if (!process.env.MONGODB_URI) throw new Error('--mongo needs MONGODB_URI');
    const client = await MongoClient.connect(process.env.MONGODB_URI);
    const db = client.db(`bench_api_key_${process.pid}`);
    process.on('SIGTERM', () => void db.dropDatabase().finally(() => process.exit(0)));
    store = new MongoStore({ db });
  }
  const quiet = { info() {}, warn() {}, error: console.error };
  const common = { store, tokens: { signingKeys }, logger: quiet, environment: 'test' };
  const auth = createAuth({ ...common, providers: { 'anon-user': {}, 'api-key': {} } });
  const uncached = createAuth({ ...common, providers: { 'anon-user': {}, 'api-key': { requestCacheMs: 0 } } });

  const app = express();
  app.use('/auth', auth.router);
  const ok = (_req, res) => void res.json({ ok: true });
  app.get('/bare', ok);
  app.get('/bearer', auth.requireUser(), ok);
  app.get('/apikey', auth.requireUser({ apiKeys: true }), ok);
  app.get('/apikey-nocache', uncached.requireUser({ apiKeys: true }), ok);
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${server.address().port}`;

  const post = async (path, body, token) => {
    const res = await fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  // A permanent user (an anonymous one marked permanent, as linking does) creates the key.
  const anon = await post('/auth/providers/anon-user/login', {});
  await store.updateUser(anon.user_id, { anonymous: false });
  const session = await post('/auth/session', {}, anon.refresh_token);
  const { key } = await post('/auth/api_keys', { name: 'bench' }, session.access_token);
  process.stdout.write(`${JSON.stringify({ base, key, access: session.access_token })}\n`);
}

/** The parent: starts the child, loads each route in turn, prints a table with ratios to `bare`. */
async function measure() {
  const autocannon = (await import('autocannon')).default;
  const duration = Number(args.duration);
  const rounds = Number(args.rounds);
  const connections = Number(args.connections);
  const childArgs = [fileURLToPath(import.meta.url), '--serve', ...(args.mongo ? ['--mongo'] : [])];
  const child = spawn(process.execPath, childArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [line] = await Promise.race([
      once(child.stdout.setEncoding('utf8'), 'data'),
      once(child, 'exit').then(([code]) => Promise.reject(new Error(`server exited (${code}); run npm run build first`))),
    ]);
    const { base, key, access } = JSON.parse(line);
    const routes = [
      ['bare', '/bare', {}],
      ['bearer', '/bearer', { authorization: `Bearer ${access}` }],
      ['apikey', '/apikey', { authorization: `ApiKey ${key}` }],
      ['apikey-nocache', '/apikey-nocache', { authorization: `ApiKey ${key}` }],
    ];
    const run = (path, headers, seconds) =>
      autocannon({ url: base + path, headers, connections, duration: seconds });
    for (const [, path, headers] of routes) await run(path, headers, 1); // warm-up: JIT, caches
    const samples = new Map(routes.map(([name]) => [name, []]));
    for (let round = 0; round < rounds; round++) {
      let bare;
      for (const [name, path, headers] of routes) {
        const result = await run(path, headers, duration);
        if (result.non2xx || result.errors) throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
        bare ??= result.requests.average;
        samples.get(name).push({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, ratio: result.requests.average / bare });
      }
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(`node ${process.version}, ${args.mongo ? 'MongoStore on MONGODB_URI' : 'MemoryStore'}, ${connections} connections, ${rounds} rounds of ${duration} s per route; medians\n`);
    console.log('route            req/s     p50 ms  p99 ms  vs bare');
    for (const [name, runs] of samples) {
      const m = (field) => median(runs.map((r) => r[field]));
      console.log(
        `${name.padEnd(15)} ${m('rps').toFixed(0).padStart(7)}  ${String(m('p50')).padStart(6)}  ${String(m('p99')).padStart(6)}  ${m('ratio').toFixed(2)}`,
      );
    }
  } finally {
    child.kill();
  }
}
