// The app of the soak test: anon-user, custom-function (ids starting "ok-" log in, others are
// refused), api-key, and host routes behind requireUser (stateless, checkSession, API keys).
// Caches are kept small so that the run overflows them and shows they stay bounded.
// GET /stats answers the process's memory after a garbage collection (run with --expose-gc).
// STORE=mongo uses MongoStore on MONGODB_URI (database BENCH_DB).
import express from 'express';
import { createAuth } from '../../dist/index.js';
import { benchStore } from './store.mjs';

const { store } = await benchStore(`bench_soak_${process.pid}`);
const lifted = { limit: 1e9 };
const auth = createAuth({
  store,
  providers: {
    'anon-user': { rateLimit: { login: { perIp: lifted } } },
    'custom-function': {
      authenticate: ({ id }) => (typeof id === 'string' && id.startsWith('ok-') ? id : null),
      rateLimit: { login: { perIp: lifted, failedPerIp: lifted } },
    },
    'api-key': { maxKeysPerUser: 300, requestCacheSize: 200, rateLimit: { login: { perIp: lifted, failedPerIp: lifted } } },
  },
  tokens: { signingKeys: ['soak-secret-soak-secret-soak-secret!!'], verifiedTokenCacheSize: 200, sessionCheckCacheMs: 2000 },
  logger: { info() {}, warn() {}, error: console.error },
});
await auth.init();

const app = express();
app.use('/auth', auth.router);
const reply = (req, res) => res.json({ user: req.user?.id ?? null });
app.get('/read', auth.requireUser(), reply);
app.get('/live', auth.requireUser({ checkSession: true }), reply);
app.get('/service', auth.requireUser({ apiKeys: true }), reply);
app.get('/stats', (_req, res) => {
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  res.json({ rss, heapUsed, gc: typeof globalThis.gc === 'function' });
});
const server = app.listen(0, '127.0.0.1', () => console.log(`PORT ${server.address().port}`));
