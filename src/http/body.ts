import express, { type Request } from 'express';
import type { z } from 'zod';
import { parseInput } from '../util/parse-input.js';

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

/** Validates a request body against a schema (see parseInput): a bad field is a 400 naming it. */
export function parseBody<S extends z.ZodType>(schema: S, req: Request): z.output<S> {
  return parseInput(schema, req.body);
}
