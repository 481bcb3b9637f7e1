// requireUser overhead: the same route bare, behind requireUser(), behind
// requireUser({ checkSession: true }), and behind passport-jwt.
import { fileURLToPath } from 'node:url';
import { compare, startServer } from './lib.mjs';

export async function run(options) {
  const server = await startServer(fileURLToPath(new URL('./servers/require-user.mjs', import.meta.url)));
  try {
    const base = `http://127.0.0.1:${server.port}`;
    const token = server.output?.match(/TOKEN (\S+)/)?.[1];
    const headers = { authorization: `Bearer ${token}` };
    return await compare(
      'requireUser overhead (one route, one token)',
      [
        { name: 'bare route', url: `${base}/bare`, headers },
        { name: 'requireUser()', url: `${base}/require-user`, headers },
        { name: 'requireUser({ checkSession: true })', url: `${base}/check-session`, headers },
        { name: 'passport-jwt (ES256)', url: `${base}/passport-jwt`, headers },
      ],
      options,
    );
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
