// API-key request authentication: the same route bare, behind requireUser() with an access
// token, and behind requireUser({ apiKeys: true }) with `Authorization: ApiKey <key>`, with
// the verified-key cache and without it (requestCacheMs: 0); on MemoryStore, then on
// MongoStore (MONGODB_URI, or FerretDB started here), where the uncached case pays the
// store round trips the cache saves.
import { fileURLToPath } from 'node:url';
import { compare, mongoUri, startServer } from './lib.mjs';

const script = fileURLToPath(new URL('./servers/api-key.mjs', import.meta.url));

async function measure(title, env, withToken, options) {
  const server = await startServer(script, env);
  try {
    const base = `http://127.0.0.1:${server.port}`;
    const key = server.output.match(/KEY (\S+)/)?.[1];
    const token = server.output.match(/TOKEN (\S+)/)?.[1];
    const apiKey = { authorization: `ApiKey ${key}` };
    return await compare(
      title,
      [
        { name: 'bare route', url: `${base}/bare`, headers: apiKey },
        ...(withToken ? [{ name: 'requireUser() (access token)', url: `${base}/require-user`, headers: { authorization: `Bearer ${token}` } }] : []),
        { name: 'requireUser({ apiKeys: true }) (ApiKey, cached)', url: `${base}/api-key`, headers: apiKey },
        { name: 'requireUser({ apiKeys: true }) (ApiKey, no cache)', url: `${base}/api-key-uncached`, headers: apiKey },
      ],
      options,
    );
  } finally {
    await server.stop();
  }
}

export async function run(options) {
  await measure('API-key request authentication, MemoryStore', {}, true, options);
  const mongo = await mongoUri();
  try {
    await measure('API-key request authentication, MongoStore', { STORE: 'mongo', MONGODB_URI: mongo.uri }, false, options);
  } finally {
    await mongo.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
