// `npm run soak`: mixed traffic against one server for SOAK_SECONDS (120 by default), from
// this process over loopback: logins (anonymous, custom function, accepted and refused),
// refreshes, requests with many distinct access tokens (more than the verified-token cache
// holds), checked sessions, API-key requests with more keys than their cache holds, and
// malformed requests. Every 10 s it samples the server's memory after a garbage collection.
// Passes when no answer is a 5xx or unexpected, and the heap ends within 20 % of where it
// stood once the caches had filled (at 30 s). STORE=mongo runs on MONGODB_URI, else FerretDB
// started here; STORE=memory runs on MemoryStore (whose data grows with the users created).
import { fileURLToPath } from 'node:url';
import { mongoUri, startServer } from './lib.mjs';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 120);
const CONCURRENCY = 16;
const script = fileURLToPath(new URL('./servers/soak.mjs', import.meta.url));

async function soak(env) {
  const server = await startServer(script, { NODE_OPTIONS: '--expose-gc', ...env });
  const base = `http://127.0.0.1:${server.port}`;
  const counts = { requests: 0, unexpected: 0, byStatus: {} };
  const unexpected = [];
  const call = async (path, { method = 'GET', token, key, body, raw, expect }) => {
    const headers = { ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}) };
    if (token) headers.authorization = `Bearer ${token}`;
    if (key) headers.authorization = `ApiKey ${key}`;
    const res = await fetch(base + path, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
    const json = await res.json().catch(() => undefined);
    counts.requests++;
    counts.byStatus[res.status] = (counts.byStatus[res.status] ?? 0) + 1;
    if (!expect.includes(res.status) || (res.status >= 400 && typeof json?.error_code !== 'string')) {
      counts.unexpected++;
      if (unexpected.length < 5) unexpected.push(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
    }
    return json;
  };
  const login = (id) => call('/auth/providers/custom-function/login', { method: 'POST', body: { id }, expect: [200] });

  try {
    const owner = await login('ok-owner');
    const keys = [];
    for (let i = 0; i < 300; i++) keys.push((await call('/auth/api_keys', { method: 'POST', token: owner.access_token, body: { name: `k${i}` }, expect: [201] })).key);
    const accessTokens = [owner.access_token];
    const samples = [];
    const sample = async (t) => samples.push({ t, ...(await (await fetch(`${base}/stats`)).json()) });
    await sample(0);

    const end = performance.now() + SECONDS * 1000;
    const timer = setInterval(() => void sample(Math.round((SECONDS * 1000 - (end - performance.now())) / 1000)), 10_000);
    const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, w) => {
        let session = await login(`ok-worker-${w}`);
        while (performance.now() < end) {
          const r = Math.random();
          if (r < 0.3) await call('/read', { token: pick(accessTokens), expect: [200] });
          else if (r < 0.4) await call('/live', { token: session.access_token, expect: [200] });
          else if (r < 0.5) await call('/service', { key: pick(keys), expect: [200] });
          else if (r < 0.6) {
            const next = await call('/auth/session', { method: 'POST', token: session.refresh_token, expect: [200] });
            session = { ...next, refresh_token: next.refresh_token ?? session.refresh_token };
          } else if (r < 0.7) {
            const anon = await call('/auth/providers/anon-user/login', { method: 'POST', body: {}, expect: [200] });
            if (accessTokens.length < 5000) accessTokens.push(anon.access_token);
          } else if (r < 0.8) await login(`ok-user-${Math.floor(Math.random() * 2000)}`);
          else if (r < 0.85) await call('/auth/providers/custom-function/login', { method: 'POST', body: { id: 'guess' }, expect: [401] });
          else if (r < 0.9) await call('/read', { token: 'not.a.token', expect: [401] });
          else if (r < 0.95) await call('/auth/providers/anon-user/login', { method: 'POST', raw: '{"unterminated', expect: [400] });
          else await call('/auth/profile', { token: session.access_token, expect: [200] });
        }
      }),
    );
    clearInterval(timer);
    await sample(SECONDS);
    return { samples, counts, unexpected };
  } finally {
    await server.stop();
  }
}

export async function run() {
  const store = process.env.STORE ?? 'mongo';
  const mongo = store === 'mongo' ? await mongoUri() : undefined;
  try {
    const { samples, counts, unexpected } = await soak(mongo ? { STORE: 'mongo', MONGODB_URI: mongo.uri } : {});
    const mib = (b) => (b / 2 ** 20).toFixed(1);
    console.log(`\nSoak: ${SECONDS} s of mixed traffic, ${CONCURRENCY} concurrent clients, ${store === 'mongo' ? 'MongoStore on FerretDB' : 'MemoryStore'}`);
    console.log('| t (s) | heap used MiB | rss MiB |');
    console.log('| ---: | ---: | ---: |');
    for (const s of samples) console.log(`| ${s.t} | ${mib(s.heapUsed)} | ${mib(s.rss)} |`);
    console.log(`requests: ${counts.requests} (${Math.round(counts.requests / SECONDS)}/s); by status: ${JSON.stringify(counts.byStatus)}; unexpected: ${counts.unexpected}`);
    for (const line of unexpected) console.log(`  ${line}`);
    const settled = samples.find((s) => s.t >= 30) ?? samples[0];
    const last = samples[samples.length - 1];
    const growth = last.heapUsed / settled.heapUsed;
    console.log(`heap at the end / heap at ${settled.t} s: ${growth.toFixed(3)}${samples[0].gc ? '' : ' (no --expose-gc: samples include garbage)'}`);
    if (counts.unexpected > 0 || growth > 1.2) process.exitCode = 1;
  } finally {
    await mongo?.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
