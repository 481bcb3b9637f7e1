import express from 'express';

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
