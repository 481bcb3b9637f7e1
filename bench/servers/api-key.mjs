// One app for API-key request authentication: GET /bare, /require-user (access token),
// /api-key (requireUser({ apiKeys: true }), verified-key cache) and /api-key-uncached (the
// same with requestCacheMs: 0: key, user and identities read on every request).
// STORE=mongo uses MongoStore on MONGODB_URI (database BENCH_DB, dropped on exit), otherwise
// MemoryStore. Prints a user API key, an access token, then its port.
import { generateKeyPairSync } from 'node:crypto';
import express from 'express';
import { createAuth } from '../../dist/index.js';
import { benchStore } from './store.mjs';

const { store, db } = await benchStore(`bench_api_key_${process.pid}`);
if (db) process.once('SIGTERM', () => void db.dropDatabase().finally(() => process.exit(0)));
const { privateKey } = generateKeyPairSync('ed25519');
const options = {
  store,
  tokens: { signingKeys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'bench', kty: 'OKP' }] },
  logger: { info() {}, warn() {}, error: console.error },
};
const member = { authenticate: async () => 'bench-member' }; // a permanent user to own the key
const auth = createAuth({ ...options, providers: { 'custom-function': member, 'api-key': {} } });
const uncached = createAuth({ ...options, providers: { 'custom-function': member, 'api-key': { requestCacheMs: 0 } } });
await auth.init();

const app = express();
app.use('/auth', auth.router);
const reply = (req, res) => res.json({ ok: true, user: req.user?.id ?? null });
app.get('/bare', reply);
app.get('/require-user', auth.requireUser(), reply);
app.get('/api-key', auth.requireUser({ apiKeys: true }), reply);
app.get('/api-key-uncached', uncached.requireUser({ apiKeys: true }), reply);

const server = app.listen(0, '127.0.0.1', async () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  const post = async (path, token) => {
    const res = await fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(path === '/auth/api_keys' ? { name: 'bench' } : {}),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  // Only permanent (non-anonymous) users create keys.
  const session = await post('/auth/providers/custom-function/login');
  const { key } = await post('/auth/api_keys', session.access_token);
  console.log(`KEY ${key}`);
  console.log(`TOKEN ${session.access_token}`);
  console.log(`PORT ${server.address().port}`);
});
