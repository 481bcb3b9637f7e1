import { createAuth } from 'express-auth-providers';
import { createApp } from './lib/app.js';
import { signingKeysFrom } from './lib/signing-keys.js';
import { openStorage } from './lib/storage.js';

const HOUR = 3_600_000;

async function main(env) {
  const storage = await openStorage(env, console.log);
  const auth = createAuth({
    store: storage.store,
    tokens: { signingKeys: signingKeysFrom(env) },
    providers: { 'anon-user': {} },
    // Browser sessions in HttpOnly cookies, with CSRF protection; Bearer tokens keep working for API clients.
    cookies: true,
  });
  await auth.init();

  // Removes expired sessions and long-inactive anonymous readers.
  const sweeper = setInterval(() => auth.sweep().catch((err) => console.error('example-app: sweep failed', err)), HOUR);
  sweeper.unref();

  const app = createApp({ auth, posts: storage.posts });
  const host = env.HOST || '127.0.0.1';
  const port = Number(env.PORT || 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`PORT must be a port number, not ${env.PORT}`);
  // Express 5 calls back with the error when the port cannot be had.
  const server = app.listen(port, host, (err) => {
    if (err) {
      console.error(`example-app: cannot listen on ${host}:${port}: ${err.message}`);
      process.exit(1);
    }
    const { address, port: bound } = server.address();
    const shown = address.includes(':') ? `[${address}]` : address;
    console.log(`example-app: listening on http://${shown}:${bound}`);
  });

  const stop = () => {
    clearInterval(sweeper);
    server.close(() => storage.close().finally(() => process.exit(0)));
    server.closeAllConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.env).catch((err) => {
  console.error(`example-app: failed to start: ${err.message}`);
  process.exit(1);
});
