// An app for the password-login benchmark: local-userpass (auto confirmation, default
// argon2id parameters, per-IP login limit lifted so the load is not refused) and
// POST /verify-only, which runs the same argon2id verification behind Express and
// nothing else. STORE=mongo uses MongoStore on MONGODB_URI (database BENCH_DB).
import express from 'express';
import { argon2id, hash, verify } from 'argon2';
import { createAuth } from '../../dist/index.js';
import { benchStore } from './store.mjs';

export const OWASP = { type: argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

const { store } = await benchStore();
const auth = createAuth({
  store,
  providers: {
    'local-userpass': { confirmation: { mode: 'auto' }, rateLimit: { login: { perIp: { limit: 1e9 } } } },
  },
  tokens: { signingKeys: ['bench-secret-bench-secret-bench-secret!'] },
  logger: { info() {}, warn() {}, error: console.error },
});
await auth.init();

const reference = await hash(process.env.BENCH_PASSWORD, OWASP);
const app = express();
app.use('/auth', auth.router);
app.post('/verify-only', express.json(), async (req, res) => {
  const ok = await verify(reference, req.body.password);
  res.status(ok ? 200 : 401).json({ ok });
});
const server = app.listen(0, '127.0.0.1', () => console.log(`PORT ${server.address().port}`));
