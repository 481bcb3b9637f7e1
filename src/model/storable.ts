/**
 * What may be stored as a document that a client or host supplies (a session's device
 * description, a user's custom data, metadata values): JSON values whose keys MongoDB-compatible
 * servers accept as field names, nested no deeper than a bound. Checked before anything is
 * written, so such input is a 400, never a database error with half of a login written.
 */
import { z } from 'zod';

/** How deep a supplied document may nest (MongoDB refuses documents nested past 100 levels). */
export const MAX_DOCUMENT_DEPTH = 20;
/** Keys that would reach an object's prototype if ever merged. */
export const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Why a key cannot name a stored field (MongoDB-compatible servers refuse `.` and a leading `$`), or undefined. */
export function fieldNameProblem(key: string): string | undefined {
  if (key === '') return 'must not be empty';
  if (key.includes('.')) return 'must not contain "."';
  if (key.startsWith('$')) return 'must not start with "$"';
  if (key.includes('\0')) return 'must not contain a NUL character';
  if (FORBIDDEN_KEYS.has(key)) return `must not be "${key}"`;
  return undefined;
}

/** Where a value breaks those rules (`a.b: …`), or undefined when it can be stored as it is. */
export function storableProblem(value: unknown, maxDepth = MAX_DOCUMENT_DEPTH): string | undefined {
  return problemAt(value, [], maxDepth, maxDepth);
}

function problemAt(value: unknown, path: string[], depthLeft: number, maxDepth: number): string | undefined {
  const where = () => (path.length ? `${path.join('.')}: ` : '');
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${where()}must be a finite number`;
  if (typeof value !== 'object') return `${where()}must be a JSON value`;
  if (depthLeft <= 0) return `${where()}nested too deeply (at most ${maxDepth} levels)`;
  if (Array.isArray(value)) {
    // MongoDB stores arrays of arrays, but MongoDB-compatible servers may not (FerretDB 1.x).
    if (value.some(Array.isArray)) return `${where()}must not hold arrays directly inside arrays`;
    for (let i = 0; i < value.length; i++) {
      const problem = problemAt(value[i], [...path, String(i)], depthLeft - 1, maxDepth);
      if (problem) return problem;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const keyProblem = fieldNameProblem(key);
    if (keyProblem) return `${where()}the key ${JSON.stringify(key.slice(0, 64))} ${keyProblem}`;
    const problem = problemAt(item, [...path, key], depthLeft - 1, maxDepth);
    if (problem) return problem;
  }
  return undefined;
}

/** A JSON object that can be stored as it is (see above). */
export const storableDocument = z.record(z.string(), z.unknown()).superRefine((doc, ctx) => {
  const problem = storableProblem(doc);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
