import express, { type RequestHandler } from 'express';
import { AuthError } from '../errors.js';

// Keys that would reach an object's prototype if ever merged; dropped at parse time.
const POISONED = new Set(['__proto__', 'constructor', 'prototype']);

/** JSON bodies: objects and arrays only, size-capped, prototype keys dropped. */
export function jsonBody(limit: string | number) {
  return express.json({
    limit,
    strict: true,
    reviver: (key, value) => (POISONED.has(key) ? undefined : value),
  });
}

/**
 * Refuses a body that is not JSON (a form post, `curl -d` without a content type) with 415,
 * rather than reading the request as if it had sent nothing.
 */
export const onlyJsonBodies: RequestHandler = (req, _res, next) => {
  const hasContent = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasContent || req.is('application/json')) return next();
  next(new AuthError('UnsupportedMediaType', 'the request body must be JSON, sent with Content-Type: application/json'));
};
