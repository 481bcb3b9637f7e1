import express, { type Request } from 'express';
import type { z } from 'zod';
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
 * Validates a request body against a schema: a missing or mistyped field (an object
 * where a string belongs) is a 400 naming the field, before anything reaches a store.
 */
export function parseBody<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  const result = schema.safeParse(req.body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length ? issue.path.map(String).join('.') : 'body';
  throw new AuthError('InvalidParameter', `invalid ${field}: ${issue.message}`);
}
