import express from 'express';
import { FORBIDDEN_KEYS } from '../model/storable.js';

/** JSON bodies: objects and arrays only, size-capped, prototype keys (`__proto__`…) dropped at parse time. */
export function jsonBody(limit: string | number) {
  return express.json({
    limit,
    strict: true,
    reviver: (key, value) => (FORBIDDEN_KEYS.has(key) ? undefined : value),
  });
}
