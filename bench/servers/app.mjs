// A plain app for session benchmarks: the router at /auth and GET /bare. STORE=mongo uses
// MongoStore on MONGODB_URI (database BENCH_DB), otherwise MemoryStore.
import express from 'express';
import { createAuth } from '../../dist/index.js';
import { benchStore } from './store.mjs';

const { store } = await benchStore();
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
