import { Router, type RequestHandler } from 'express';
import { AuthError } from '../errors.js';
import type { Sessions } from '../tokens/sessions.js';
import { fromCanonicalEjson } from '../util/ejson.js';
import { locationRoute } from './location.js';
import { RedirectAllowlist } from '../providers/oauth/redirect-target.js';
import { markAppServicesRequest } from './oauth-redirect.js';
import type { ParsedAppServicesOptions } from './options.js';
import { refreshAuthorised } from './refresh-authorised.js';

/** App Services' client API prefix. */
export const CLIENT_API = '/api/client/v2.0';

export interface AppServicesDeps {
  /** Wraps route groups as the native router is wrapped: store readiness, JSON bodies, 404, the error writer. */
  assemble: (groups: Router[]) => Router;
  /** The native login routes (logins, links, provider routes, `/api_keys`), opening sessions that keep their refresh token. */
  login: Router;
  /** The native session routes (`/session`, `/profile`, `/delete`). */
  session: Router;
  sessions: Sessions;
}

/** Passes the requests whose path (below the mount point) matches to `handler`; the others go on. */
const when =
  (path: RegExp, handler: RequestHandler): RequestHandler =>
  (req, res, next) =>
    path.test(req.path) ? handler(req, res, next) : next();

const decodeBody: RequestHandler = (req, _res, next) => {
  if (req.body !== undefined) req.body = fromCanonicalEjson(req.body);
  next();
};

/**
 * The App Services client API (SPEC §11) over the native handlers, for its SDKs unchanged:
 *
 * - `/app/:appId/location`, and `/app/:appId/auth/providers/…` (logins, `?link=true`, the
 *   local-userpass routes, the OAuth providers' web login) served by the native login routes;
 * - `/auth/session`, `/auth/profile`, `/auth/delete` served by the native session routes;
 * - `/auth/api_keys…` served by the native key routes, authorised with the refresh token.
 *
 * Mounted at the host's root, it answers only below `/api/client/v2.0`.
 */
export function appServicesRoutes(options: ParsedAppServicesOptions, deps: AppServicesDeps): Router {
  const redirects = new RedirectAllowlist(options.redirectUris);
  const app = Router();
  app.get('/location', locationRoute(options));
  app.use('/auth', when(/^\/providers\//, deps.login));

  const apiKeys = Router();
  apiKeys.use(refreshAuthorised(deps.sessions), deps.login);

  const client = Router();
  client.use(decodeBody);
  client.use('/app/:appId', (req, _res, next) => {
    if (req.params['appId'] !== options.appId) {
      throw new AuthError('NotFound', `cannot find app using Client App ID '${String(req.params['appId']).slice(0, 128)}'`);
    }
    // An OAuth web login started here finishes in App Services' manner (see oauth-redirect.ts).
    markAppServicesRequest(req, { appId: options.appId, redirects });
    next();
  }, app);
  client.use('/auth', when(/^\/(session|profile|delete)$/, deps.session));
  client.use('/auth', when(/^\/api_keys(\/|$)/, apiKeys));

  const root = Router();
  root.use(CLIENT_API, deps.assemble([client]));
  return root;
}
