import type { z } from 'zod';
import { AuthError } from '../errors.js';

/**
 * Validates untrusted input against a schema: a missing or mistyped field (an object
 * where a string belongs) is a 400 naming the field, before anything reaches a store.
 * Shared by the HTTP layer, the providers' own routes and the user management API;
 * `what` names the input when the problem is the whole of it.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'input'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length ? issue.path.map(String).join('.') : what;
  throw new AuthError('InvalidParameter', `invalid ${field}: ${issue.message}`);
}

/** Validates a request's JSON body; a request without one is validated as `{}`. */
export function parseBody<S extends z.ZodType>(schema: S, req: { body?: unknown }): z.output<S> {
  return parseInput(schema, req.body ?? {}, 'body');
}
