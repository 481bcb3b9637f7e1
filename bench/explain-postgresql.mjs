// What PostgreSQL does for each hot operation of MongoStore on FerretDB 1.24's PostgreSQL
// backend: seeds BENCH_KEYS (100k) users each holding an API key (so 100k users, 200k
// identities, 100k keys), then runs a login, a refresh, an uncached API-key request and an
// API-key login, and prints every SQL statement FerretDB sent for each with the plan PostgreSQL
// chose and its timing (auto_explain with ANALYZE, loaded into FerretDB's own connections).
// With `--gin`, the same after scripts/ferretdb-postgresql-indexes.sql.
// Not part of `npm run bench`. Needs read access to PostgreSQL's log (BENCH_PG_LOG, default
// Debian's /var/log/postgresql/postgresql-15-main.log).
//   npm run build && node bench/explain-postgresql.mjs [--gin] [--full]
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import express from 'express';
import { MongoClient } from 'mongodb';
import { createAuth, MongoStore } from '../dist/index.js';
import { ferretdb } from './lib.mjs';
import { apiKeyDocs, apiKeyOf, identityIdOf, seedKeyOwners } from './seed.mjs';

const KEYS = Number(process.env.BENCH_KEYS ?? 100_000);
const LOG = process.env.BENCH_PG_LOG ?? '/var/log/postgresql/postgresql-15-main.log';
const gin = process.argv.includes('--gin');
const full = process.argv.includes('--full');

// log_statement: each execution's parameters (the field names of a filter are among them).
const settings = ['session_preload_libraries=auto_explain', 'auto_explain.log_min_duration=0', 'auto_explain.log_analyze=on', 'log_statement=all'];
if (gin) settings.push('plan_cache_mode=force_custom_plan');
const server = await ferretdb('postgresql', { postgresqlOptions: settings.join('&') });
const client = await MongoClient.connect(server.uri);
const db = client.db('bench_explain');
try {
  const store = new MongoStore({ db });
  const auth = createAuth({
    store,
    providers: {
      'custom-function': { authenticate: async (payload) => String(payload.id) },
      'api-key': { lastUsedResolution: 0, requestCacheMs: 0 },
    },
    tokens: { signingKeys: ['bench-secret-bench-secret-bench-secret!'] },
    logger: { info() {}, warn() {}, error: console.error },
  });
  await auth.init();
  const seconds = await seedKeyOwners(store, KEYS, (keys) => db.collection('auth_api_keys').insertMany(apiKeyDocs(keys), { ordered: false }));
  console.log(`seeded ${KEYS} key owners (${KEYS} users, ${2 * KEYS} identities, ${KEYS} keys) in ${seconds.toFixed(1)} s`);
  if (gin) execFileSync('psql', [server.postgresqlUrl, '-qAt', '-v', 'ON_ERROR_STOP=1', '-f', 'scripts/ferretdb-postgresql-indexes.sql']);
  execFileSync('psql', [server.postgresqlUrl, '-qAt', '-c', 'VACUUM ANALYZE']);

  const app = express();
  app.use('/auth', auth.router);
  app.get('/api-key-uncached', auth.requireUser({ apiKeys: true }), (req, res) => res.json({ user: req.user.id }));
  const http = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => http.once('listening', resolve));
  const base = `http://127.0.0.1:${http.address().port}`;
  const call = async (path, init) => {
    const res = await fetch(base + path, init);
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const post = (path, body, headers = {}) =>
    call(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  // Each operation runs 7 times (a prepared statement gets a generic plan from its 6th
  // execution on); the 7th is reported: it runs between reads of two marker collections.
  let refreshToken;
  const random = () => Math.floor(Math.random() * KEYS);
  const operations = [
    ['login (custom-function, known user)', () => post('/auth/providers/custom-function/login', { id: identityIdOf(random()) })],
    [
      'refresh (rotation)',
      async () => {
        refreshToken ??= (await post('/auth/providers/custom-function/login', { id: identityIdOf(random()) })).refresh_token;
        refreshToken = (await call('/auth/session', { method: 'POST', headers: { authorization: `Bearer ${refreshToken}` } })).refresh_token;
      },
    ],
    ['API-key request check, no cache', () => call('/api-key-uncached', { headers: { authorization: `ApiKey ${apiKeyOf(random())}` } })],
    ['API-key login', () => post('/auth/providers/api-key/login', { key: apiKeyOf(random()) })],
  ];
  // A read of a missing collection sends no SQL: the markers must exist. Named with letters:
  // FerretDB's table names keep only letters of a collection's name.
  const mark = (side, n) => db.collection(`mark_${side}_${String.fromCharCode(97 + n)}`);
  for (const n of operations.keys()) for (const side of ['begin', 'end']) await mark(side, n).insertOne({ _id: 1 });
  const logStart = statSync(LOG).size;
  for (const [n, [, op]] of operations.entries()) {
    for (let i = 0; i < 6; i++) await op();
    await mark('begin', n).findOne({ _id: 1 });
    await op();
    await mark('end', n).findOne({ _id: 1 });
  }
  http.close();
  await new Promise((resolve) => setTimeout(resolve, 500));
  report(readFileSync(LOG).subarray(logStart).toString('utf8'), operations.map(([name]) => name));
} finally {
  await client.close();
  await server.stop();
}

/** Prints, for each operation between its markers, each statement with its plan's shape and time. */
function report(log, names) {
  const entries = log.split(/\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/);
  let current;
  const byOp = new Map();
  const parameters = new Map(); // backend pid → the parameters of its last execution
  for (const entry of entries) {
    const pid = /\[(\d+)\]/.exec(entry)?.[1];
    const detail = /DETAIL: {2}parameters: (.*)/.exec(entry)?.[1];
    if (detail !== undefined) {
      parameters.set(pid, Object.fromEntries([...detail.matchAll(/\$(\d+) = '((?:[^']|'')*)'/g)].map((m) => [m[1], m[2]])));
      continue;
    }
    if (/LOG: {2}execute /.test(entry)) parameters.delete(pid);
    if (!entry.includes('plan:')) continue;
    const query = /Query Text: (.*)/.exec(entry)?.[1] ?? '';
    const marker = /"mark_(begin|end)_([a-z])_/.exec(query);
    if (marker) {
      current = marker[1] === 'begin' ? names[marker[2].charCodeAt(0) - 97] : undefined;
      continue;
    }
    if (!current || query.includes('_ferretdb_database_metadata')) continue;
    const plan = entry.slice(entry.indexOf('Query Text:')).split('\n').slice(1).join('\n');
    const ms = /duration: ([\d.]+) ms/.exec(entry)?.[1];
    // The filter as FerretDB wrote it, with its field names and values put back in.
    const args = parameters.get(pid) ?? {};
    const shown = query
      .replace(/"bench_explain"\./g, '')
      .replace(/_[0-9a-f]{8}"/g, '"')
      .replace(/_jsonb->\$(\d+) @> \$(\d+)/g, (_, f, v) => `_jsonb->'${args[f] ?? `$${f}`}' @> '${(args[v] ?? `$${v}`).slice(0, 40)}'`);
    byOp.set(current, [...(byOp.get(current) ?? []), { query: shown, plan, ms }]);
  }
  console.log(`\nFerretDB 1.24 on PostgreSQL${gin ? ' + GIN indexes, plan_cache_mode=force_custom_plan' : ''}, ${KEYS} key owners`);
  for (const [op, statements] of byOp) {
    console.log(`\n${op}:`);
    for (const s of statements) {
      const nodes = [...s.plan.matchAll(/(Parallel Seq Scan|Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan|Bitmap Index Scan)(?: using (\S+)| on (\S+))?/g)].map((m) => {
        const index = m[2] ?? (m[1] === 'Bitmap Index Scan' ? m[3] : undefined);
        return index ? `${m[1]} ${index.replace(/_[0-9a-f]{8}(?=_)/g, '')}` : m[1];
      });
      const removed = /Rows Removed by Filter: (\d+)/.exec(s.plan)?.[1];
      console.log(`  ${s.ms.padStart(8)} ms  ${s.query}`);
      const per = s.plan.includes('Parallel') ? ' per process' : '';
      console.log(`             ${nodes.join(', ') || 'no scan'}${removed ? `, ${removed} rows removed by filter${per}` : ''}`);
      if (full) console.log(s.plan.replace(/^/gm, '             '));
    }
  }
}
