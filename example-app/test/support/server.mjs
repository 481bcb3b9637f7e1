import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const APP_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** The settings a developer's shell might hold, cleared: the app starts as from a fresh clone. */
const NO_CONFIGURATION = Object.fromEntries(
  [
    'MONGODB_URI', 'AUTH_SIGNING_KEY', 'PUBLIC_URL', 'ADMIN_EMAILS', 'NODE_ENV',
    'GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET', 'FACEBOOK_APP_ID', 'FACEBOOK_APP_SECRET',
    'APPLE_CLIENT_ID', 'APPLE_TEAM_ID', 'APPLE_KEY_ID', 'APPLE_PRIVATE_KEY',
  ].map((name) => [name, '']),
);

/**
 * Starts `node server.js` as `npm start` would, on a free port, and resolves once it
 * prints the address it listens on. `lines` collects its stdout, `log()` everything.
 */
export function startServer(env = {}) {
  const child = spawn(process.execPath, ['server.js'], {
    cwd: APP_DIR,
    env: { ...process.env, ...NO_CONFIGURATION, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  let output = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));

  const ready = new Promise((resolve, reject) => {
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      output += chunk;
      pending += chunk;
      const complete = pending.split('\n');
      pending = complete.pop();
      for (const line of complete) {
        lines.push(line);
        const url = /listening on (http:\/\/\S+)/.exec(line)?.[1];
        if (url) resolve(url);
      }
    });
    child.once('exit', (code) => reject(new Error(`server.js exited with ${code} before listening:\n${output}`)));
  });

  return {
    child,
    lines,
    log: () => output,
    url: ready,
    stop() {
      if (child.exitCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      });
    },
  };
}
