import { createServer } from 'node:http';
import { adminEmailsFrom } from './lib/admin.js';
import { createApp } from './lib/app.js';
import { createNewsroomAuth } from './lib/auth.js';
import { MailOutbox } from './lib/mail-outbox.js';
import { describeModes, oauthProviders } from './lib/oauth-providers.js';
import { signingKeysFrom } from './lib/signing-keys.js';
import { openStorage } from './lib/storage.js';

const HOUR = 3_600_000;

function portFrom(env) {
  const port = Number(env.PORT || 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`PORT must be a port number, not ${env.PORT}`);
  return port;
}

/** The origin browsers use (links in mails, OAuth callbacks): PUBLIC_URL, else http://<host>:<port>. */
function publicUrlFrom(env, host, port) {
  if (env.PUBLIC_URL) return new URL(env.PUBLIC_URL).origin;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server.address().port));
  });
}

async function main(env) {
  const production = env.NODE_ENV === 'production';
  // The first log line says where the data lives.
  const storage = await openStorage(env, console.log);

  // Listen first: with PORT=0 the public URL (and so the OAuth callbacks) depends on the port.
  let handler = (_req, res) => res.writeHead(503, { 'Retry-After': '1' }).end('starting');
  const server = createServer((req, res) => handler(req, res));
  const host = env.HOST || '127.0.0.1';
  const port = await listen(server, portFrom(env), host).catch((err) => {
    throw new Error(`cannot listen on ${host}:${env.PORT || 3000}: ${err.message}`);
  });
  const publicUrl = publicUrlFrom(env, host, port);

  const outbox = new MailOutbox(console.log);
  const oauth = await oauthProviders({ env, publicUrl, production });
  const auth = createNewsroomAuth({ store: storage.store, publicUrl, outbox, oauth: oauth.providers, signingKeys: signingKeysFrom(env) });
  await auth.init();
  const adminEmails = adminEmailsFrom(env, production);
  handler = createApp({ auth, posts: storage.posts, outbox, showOutbox: !production, adminEmails, oauthModes: oauth.modes, publicUrl });

  for (const line of describeModes(oauth.modes, oauth.fakeUrls)) console.log(`example-app: ${line}`);
  if (!production) console.log(`example-app: mails are not sent: they appear at ${publicUrl}/outbox and here`);
  console.log(`example-app: editors (admin page): ${adminEmails.size ? [...adminEmails].join(', ') : 'none'} (ADMIN_EMAILS)`);
  console.log(`example-app: listening on ${publicUrl}`);

  // Removes expired sessions and long-inactive anonymous readers.
  const sweeper = setInterval(() => auth.sweep().catch((err) => console.error('example-app: sweep failed', err)), HOUR);
  sweeper.unref();

  const stop = () => {
    clearInterval(sweeper);
    server.close(() => Promise.allSettled([oauth.close(), auth.settled()]).then(() => storage.close()).finally(() => process.exit(0)));
    server.closeAllConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.env).catch((err) => {
  console.error(`example-app: failed to start: ${err.message}`);
  process.exit(1);
});
