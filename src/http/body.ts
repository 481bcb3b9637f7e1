import express, { type RequestHandler } from 'express';
import { AuthError } from '../errors.js';
import { FORBIDDEN_KEYS } from '../model/storable.js';

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

/**
 * JSON bodies: objects and arrays only, size-capped, prototype keys (`__proto__`…) dropped at
 * parse time, UTF-8 only. body-parser would decode any `utf-*` charset, and a body that does
 * not decode (`{` sent as UTF-16) would come out empty and be read as `{}`: a 415 instead.
 */
export function jsonBody(limit: string | number): RequestHandler {
  const parse = express.json({
    limit,
    strict: true,
    reviver: (key, value) => (FORBIDDEN_KEYS.has(key) ? undefined : value),
  });
  return (req, res, next) => {
    const charset = CHARSET.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8' && req.is('application/json')) {
      return next(new AuthError('UnsupportedMediaType', 'JSON bodies must be UTF-8'));
    }
    parse(req, res, next);
  };
}
