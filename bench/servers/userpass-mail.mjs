// An app for the enumeration-timing benchmark: local-userpass with email confirmation and
// reset (mail hooks that drop the mail), default argon2id parameters, rate limits lifted.
// STORE=mongo uses MongoStore on MONGODB_URI (database BENCH_DB).
import express from 'express';
import { createAuth } from '../../dist/index.js';
import { benchStore } from './store.mjs';

const { store } = await benchStore('bench_enumeration');
const lifted = { limit: 1e9 };
const send = () => undefined;
const auth = createAuth({
  store,
  providers: {
    'local-userpass': {
      confirmation: { mode: 'email', url: 'https://app.example/confirm', send },
      reset: { mode: 'email', url: 'https://app.example/reset', send },
      rateLimit: { register: { perIp: lifted }, send: { perIp: lifted, perAccount: lifted } },
    },
  },
  tokens: { signingKeys: ['bench-secret-bench-secret-bench-secret!'] },
  logger: { info() {}, warn() {}, error: console.error },
});
await auth.init();
const app = express();
app.use('/auth', auth.router);
const server = app.listen(0, '127.0.0.1', () => console.log(`PORT ${server.address().port}`));
