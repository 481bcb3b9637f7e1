import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { adminAccess } from './admin.js';
import { JOURNALIST_PROVIDERS } from './auth.js';
import { outboxRoutes } from './mail-outbox.js';
import { postsRoutes } from './posts-routes.js';
import { siteRoutes } from './site-routes.js';

const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));
// The package's typed client, as built into its dist/: plain ES modules the page imports as they are.
const CLIENT_DIR = dirname(fileURLToPath(import.meta.resolve('express-auth-providers/client')));
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

// The session is in HttpOnly cookies, out of scripts' reach; still, only this origin's scripts run here.
function securityHeaders(_req, res, next) {
  res.set({
    'Content-Security-Policy': "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  next();
}

/**
 * Sends a browser that came by another loopback name (`localhost` for `127.0.0.1`) to the
 * public URL: cookies, the OAuth callback and the redirect allowlist all name one origin.
 */
function canonicalHost(publicUrl) {
  const canonical = new URL(publicUrl);
  return (req, res, next) => {
    const host = req.hostname.includes(':') ? `[${req.hostname}]` : req.hostname;
    if (req.method !== 'GET' || host === canonical.hostname || !LOOPBACK.has(host) || !LOOPBACK.has(canonical.hostname)) return next();
    res.redirect(302, new URL(req.originalUrl, canonical).href);
  };
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
 * The newsroom: the auth router at /auth; the app's API at /api (posts, the visitor, the
 * site's sign-in methods, the admin API, the development outbox); the pages from public/.
 * `auth` is what `createNewsroomAuth` returned, `posts` a MemoryPosts or MongoPosts,
 * `outbox` the MailOutbox (its page only when `showOutbox`), `adminEmails` the editors.
 */
export function createApp({ auth, posts, outbox, showOutbox = true, adminEmails = new Set(), oauthModes = {}, publicUrl }) {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders);
  if (publicUrl) app.use(canonicalHost(publicUrl));
  app.use('/auth', auth.router);

  const admin = adminAccess(auth, adminEmails);
  const api = express.Router();
  api.use('/posts', postsRoutes({ auth, posts, journalistProviders: JOURNALIST_PROVIDERS }));
  api.use(siteRoutes({ auth, isAdmin: admin.isAdmin, journalistProviders: JOURNALIST_PROVIDERS, oauthModes, outbox: showOutbox }));
  api.use('/admin', admin.router);
  if (showOutbox) api.use('/dev/outbox', outboxRoutes(outbox));
  api.use((req, res) => {
    res.status(404).json({ error: `no route for ${req.method} ${req.originalUrl}`, error_code: 'NotFound' });
  });
  api.use(apiErrors);
  app.use('/api', api);

  app.use('/vendor/auth-client', express.static(CLIENT_DIR));
  app.get('/favicon.ico', (_req, res) => res.redirect(301, '/favicon.svg'));
  // Pages by their plain names: /signin serves signin.html.
  app.use(express.static(PUBLIC_DIR, { extensions: ['html'] }));
  return app;
}
