import type { z } from 'zod';
import { AuthError } from '../errors.js';

/**
 * Validates untrusted input against a schema: a missing or mistyped field (an object
 * where a string belongs) is a 400 naming the field, before anything reaches a store.
 * Shared by the HTTP layer and the providers' own routes.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length ? issue.path.map(String).join('.') : 'body';
  throw new AuthError('InvalidParameter', `invalid ${field}: ${issue.message}`);
}
