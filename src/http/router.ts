import { Router, type RequestHandler } from 'express';
import { AuthError } from '../errors.js';
import type { Logger } from '../options.js';
import { jsonBody } from './body.js';
import { errorHandler } from './error-handler.js';
import { rememberMountPath } from './mount-path.js';

/**
 * The mountable router: waits for the store to be ready, parses JSON bodies, serves
 * the route groups, answers unknown paths with 404 and every failure with a JSON error.
 */
export function assembleRouter(opts: {
  ready: () => Promise<void>;
  bodyLimit: string | number;
  logger: Logger;
  groups: Router[];
}): Router {
  const router = Router();
  const waitForStore: RequestHandler = (_req, _res, next) => {
    opts.ready().then(() => next(), next);
  };
  router.use(rememberMountPath, waitForStore, jsonBody(opts.bodyLimit));
  for (const group of opts.groups) router.use(group);
  router.use((req) => {
    throw new AuthError('NotFound', `no route for ${req.method} ${req.baseUrl}${req.path}`);
  });
  router.use(errorHandler(opts.logger));
  return router;
}
