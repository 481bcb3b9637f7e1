import type { z } from 'zod';
import { AuthError } from '../errors.js';

/**
 * Validates untrusted input against a schema: a missing or mistyped field (an object
 * where a string belongs) is a 400 naming the field, before anything reaches a store.
 * Shared by the HTTP layer, the providers' own routes and the user management API;
 * `what` names the input when the problem is the whole of it. `hints` say what a client
 * that sent the wrong field meant (`{ username: 'email' }`: a body with `email` but no
 * `username` is told to send the address as `username`).
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = 'input', hints: Record<string, string> = {}): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length ? issue.path.map(String).join('.') : what;
  const sent = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  const alias = hints[field];
  if (alias !== undefined && sent[field] === undefined && sent[alias] !== undefined) {
    throw new AuthError('InvalidParameter', `${field} is required: send the ${alias} as "${field}"`);
  }
  throw new AuthError('InvalidParameter', `invalid ${field}: ${describeIssue(issue, valueAt(input, issue.path))}`);
}

/**
 * Validates a request's JSON body; a request without one is validated as `{}`. Content that
 * no parser read (a form post, `curl -d` without a content type) is a 415, rather than being
 * taken for an empty body. Routes that accept forms parse them before, with their own parser.
 */
export function parseBody<S extends z.ZodType>(
  schema: S,
  req: { body?: unknown; headers?: Record<string, string | string[] | undefined> },
  hints?: Record<string, string>,
): z.output<S> {
  if (req.body === undefined && req.headers && hasContent(req.headers)) {
    throw new AuthError('UnsupportedMediaType', 'the request body must be JSON, sent with Content-Type: application/json');
  }
  return parseInput(schema, req.body ?? {}, 'body', hints);
}

const hasContent = (headers: Record<string, string | string[] | undefined>) =>
  headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;

/** The value at an issue's path in the input (own properties only). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/** A zod issue in the words of this package's errors: zod's own wording is not an API. */
function describeIssue(issue: z.core.$ZodIssue, received: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (received === undefined) return 'is required';
      return `must be ${article(issue.expected)}, not ${received === null ? 'null' : Array.isArray(received) ? 'an array' : article(typeof received)}`;
    }
    case 'too_small':
      return issue.origin === 'string' ? `must be at least ${issue.minimum} characters long` : `must be at least ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'string' ? `must be at most ${issue.maximum} characters long` : `must be at most ${issue.maximum}`;
    case 'invalid_format':
      // Our own formats carry their message ('must be an email address').
      return issue.message.startsWith('Invalid') ? `is not a valid ${issue.format}` : issue.message;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    case 'custom':
      return issue.message;
    default:
      return 'is not valid';
  }
}
