import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { postsRoutes } from './posts-routes.js';

const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));
// The package's typed client, as built into its dist/: plain ES modules the page imports as they are.
const CLIENT_DIR = dirname(fileURLToPath(import.meta.resolve('express-auth-providers/client')));

// The session is in HttpOnly cookies, out of scripts' reach; still, only this origin's scripts run here.
function securityHeaders(_req, res, next) {
  res.set({
    'Content-Security-Policy': "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  next();
}

/** JSON errors for the app's own API, in the auth router's shape: `{ error, error_code }`. */
function apiErrors(err, _req, res, next) {
  if (res.headersSent) return next(err);
  if (err?.type === 'entity.parse.failed') {
    return res.status(400).json({ error: 'the request body is not valid JSON, or not a JSON object', error_code: 'InvalidParameter' });
  }
  if (err?.type === 'entity.too.large') {
    return res.status(413).json({ error: 'the request body is too large', error_code: 'BodyTooLarge' });
  }
  if (err?.status === 400 && err.code === 'InvalidParameter') {
    return res.status(400).json({ error: err.message, error_code: err.code });
  }
  console.error('example-app: unexpected error', err);
  res.status(500).json({ error: 'internal server error', error_code: 'InternalServerError' });
}

/**
 * The blog: the auth router at /auth, the posts API at /api, the page from public/.
 * `auth` is what `createAuth` returned, `posts` a MemoryPosts or MongoPosts.
 */
export function createApp({ auth, posts }) {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders);
  app.use('/auth', auth.router);

  const api = express.Router();
  api.use('/posts', postsRoutes({ auth, posts }));
  api.use((req, res) => {
    res.status(404).json({ error: `no route for ${req.method} ${req.originalUrl}`, error_code: 'NotFound' });
  });
  api.use(apiErrors);
  app.use('/api', api);

  app.use('/vendor/auth-client', express.static(CLIENT_DIR));
  app.use(express.static(PUBLIC_DIR));
  return app;
}
