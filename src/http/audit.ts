import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { AuthError } from '../errors.js';
import type { Logger } from '../options.js';

const ids = new WeakMap<Request, string>();
// A caller's own id is kept only when it is a plain token: it goes into every log line.
const CALLER_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The request's id, for log lines and 500 answers: the caller's `X-Request-Id` when plain, else a new one. */
export function requestId(req: Request): string {
  let id = ids.get(req);
  if (id === undefined) {
    const given = req.get('x-request-id');
    id = given !== undefined && CALLER_ID.test(given) ? given : randomUUID();
    ids.set(req, id);
  }
  return id;
}

/**
 * Logs an auth event (login, link, unlink, logout) at info, with the request id. `meta` names
 * users, providers and sessions only: never a password, a token or a key.
 */
export function audit(logger: Logger, req: Request, event: string, meta: Record<string, unknown>): void {
  logger.info(`express-auth-providers: ${event}`, { requestId: requestId(req), ...meta });
}

/** Logs a refused credential (a 401 or 403) at warn, with its code; other failures are the error writer's. */
export function auditRefusal(logger: Logger, req: Request, event: string, err: unknown, meta: Record<string, unknown>): void {
  if (!(err instanceof AuthError) || (err.status !== 401 && err.status !== 403)) return;
  logger.warn(`express-auth-providers: ${event} refused`, { requestId: requestId(req), code: err.code, ip: req.ip, ...meta });
}
