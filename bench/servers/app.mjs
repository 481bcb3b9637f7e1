// A plain app for session benchmarks: the router at /auth and GET /bare. STORE=mongo uses
// MongoStore on MONGODB_URI (database BENCH_DB), otherwise MemoryStore.
import express from 'express';
import { MongoClient } from 'mongodb';
import { createAuth, MemoryStore, MongoStore } from '../../dist/index.js';

let store = new MemoryStore();
if (process.env.STORE === 'mongo') {
  const client = await MongoClient.connect(process.env.MONGODB_URI);
  store = new MongoStore({ db: client.db(process.env.BENCH_DB ?? 'bench') });
}
const auth = createAuth({
  store,
  providers: { 'anon-user': {} },
  tokens: { signingKeys: ['bench-secret-bench-secret-bench-secret!'], refreshGracePeriod: 0 },
  logger: { info() {}, warn() {}, error: console.error },
});
await auth.init();
const app = express();
app.use('/auth', auth.router);
app.get('/bare', (_req, res) => res.json({ ok: true }));
const server = app.listen(0, '127.0.0.1', () => console.log(`PORT ${server.address().port}`));
