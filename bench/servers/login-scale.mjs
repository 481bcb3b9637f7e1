// MongoStore on MONGODB_URI (database BENCH_DB) with custom-function login: the payload's
// `id` is the identity id, so a benchmark can log in as any seeded user.
import express from 'express';
import { MongoClient } from 'mongodb';
import { createAuth, MongoStore } from '../../dist/index.js';

const client = await MongoClient.connect(process.env.MONGODB_URI);
const auth = createAuth({
  store: new MongoStore({ db: client.db(process.env.BENCH_DB) }),
  providers: { 'custom-function': { authenticate: async (payload) => String(payload.id) } },
  tokens: { signingKeys: ['bench-secret-bench-secret-bench-secret!'] },
  logger: { info() {}, warn() {}, error: console.error },
});
await auth.init();
const app = express();
app.use('/auth', auth.router);
const server = app.listen(0, '127.0.0.1', () => console.log(`PORT ${server.address().port}`));
