import type { Request, RequestHandler } from 'express';
import type { ParsedAppServicesOptions } from './options.js';

/**
 * `GET /app/:appId/location`: where the SDK sends every later request. `hostname` is the
 * configured public origin, else (development) the origin this request came to, which then
 * varies with the request and is not cached.
 */
export function locationRoute(options: ParsedAppServicesOptions): RequestHandler {
  return (req, res) => {
    const hostname = options.hostname ?? requestOrigin(req);
    if (!options.hostname) res.set('Cache-Control', 'no-store');
    res.json({
      deployment_model: 'GLOBAL',
      location: options.location,
      hostname,
      ws_hostname: hostname.replace(/^http/, 'ws'),
    });
  };
}

// `req.protocol` and `req.host` follow the host app's `trust proxy` setting; an HTTP/1.0
// request may carry no Host at all.
const requestOrigin = (req: Request) => `${req.protocol}://${req.host || 'localhost'}`;
