import type { Request, RequestHandler } from 'express';

// Where the host mounted the router, recorded as a request enters it: nested routers
// (a provider's own routes) see a longer `req.baseUrl`.
const mountPaths = new WeakMap<Request, string>();

export const rememberMountPath: RequestHandler = (req, _res, next) => {
  mountPaths.set(req, req.baseUrl);
  next();
};

/** The path the router is mounted at (`/auth`), or `''` at the root. */
export const mountPathOf = (req: Request): string => mountPaths.get(req) ?? req.baseUrl;
