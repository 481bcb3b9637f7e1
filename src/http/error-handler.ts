import type { ErrorRequestHandler, Request, Response } from 'express';
import { AuthError, StoreUnavailableError } from '../errors.js';
import type { Logger } from '../options.js';
import { requestId } from './audit.js';

interface BodyParserError {
  type?: string;
  status?: number;
}

/** Maps body-parser's failures onto our codes. */
function fromBodyParser(err: unknown): AuthError | undefined {
  switch (typeof err === 'object' && err !== null ? (err as BodyParserError).type : undefined) {
    case 'entity.parse.failed':
      return new AuthError('InvalidParameter', 'the request body is not valid JSON, or not a JSON object');
    case 'entity.too.large':
      return new AuthError('BodyTooLarge', 'the request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AuthError('UnsupportedMediaType', 'unsupported body encoding');
    case 'parameters.too.many':
    case 'querystring.parse.rangeError':
      return new AuthError('BodyTooLarge', 'the request body has too many fields');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new AuthError('BadRequest', 'the request body could not be read');
    default:
      return fromClientStatus(err);
  }
}

/** A path parameter with a malformed percent-escape (`%zz`), reported by the router as a URIError. */
const malformedPath = (err: unknown) => err instanceof URIError && (err as { status?: unknown }).status === 400;

/** Any other parser failure it marks as the client's (a 4xx it may expose): answered by its status, not as a bug. */
function fromClientStatus(err: unknown): AuthError | undefined {
  if (malformedPath(err)) return new AuthError('BadRequest', 'the request path is not valid');
  const { status, expose } = (typeof err === 'object' && err !== null ? err : {}) as { status?: unknown; expose?: unknown };
  if (expose !== true || typeof status !== 'number' || status < 400 || status > 499) return undefined;
  if (status === 413) return new AuthError('BodyTooLarge', 'the request body is too large');
  if (status === 415) return new AuthError('UnsupportedMediaType', 'unsupported body encoding');
  return new AuthError('BadRequest', 'the request body could not be read');
}

/**
 * The one place that writes error responses: `{ error, error_code }` with the error's
 * status. Anything that is not an AuthError is a bug: logged with a request id, and
 * answered 500 without its message or stack. A 5xx AuthError is answered with its code
 * only; its message and detail go to the log.
 */
export function sendError(err: unknown, req: Request, res: Response, logger: Logger): void {
  let error: AuthError;
  if (err instanceof AuthError) {
    error = err;
  } else if (err instanceof StoreUnavailableError) {
    logger.error('express-auth-providers: store unavailable', { error: err.message, path: req.path });
    error = new AuthError('ServiceUnavailable', 'the service is temporarily unavailable');
  } else {
    error = fromBodyParser(err) ?? new AuthError('InternalServerError', 'internal server error');
  }
  let extra: Record<string, string> = {};
  if (error.code === 'InternalServerError') {
    const id = requestId(req);
    const cause = err instanceof AuthError ? `${err.message}${err.detail ? ` (${err.detail})` : ''}` : err;
    logger.error('express-auth-providers: unexpected error', {
      requestId: id,
      method: req.method,
      path: req.path,
      error: cause instanceof Error ? cause.stack : safeString(cause),
    });
    extra = { request_id: id };
  } else if (!error.expose && err instanceof AuthError) {
    logger.error('express-auth-providers: request failed', { requestId: requestId(req), code: error.code, path: req.path, error: error.message, detail: error.detail });
  }
  res.status(error.status).set(error.headers).set('Cache-Control', 'no-store').json({ ...error.toJSON(), ...extra });
}

// Whatever was thrown (`null`, an object without a prototype) is described without throwing.
function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** The router's final error middleware. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    sendError(err, req, res, logger);
  };
}
