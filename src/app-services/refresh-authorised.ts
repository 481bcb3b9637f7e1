import type { RequestHandler } from 'express';
import { AuthError } from '../errors.js';
import { bearerToken } from '../http/bearer.js';
import type { Sessions } from '../tokens/sessions.js';

/**
 * App Services authorises `/auth/api_keys` with the session's refresh token. The token is
 * checked as a refresh is (a live session, reuse detection, an enabled user) and exchanged,
 * inside this request only, for an access token of the same session, so the native API key
 * routes and their guard (non-anonymous, live session) decide the rest. Nothing is rotated.
 */
export function refreshAuthorised(sessions: Sessions): RequestHandler {
  return async (req, _res, next) => {
    const token = bearerToken(req);
    if (!token) throw new AuthError('MissingAuthReq', 'must authenticate first', { headers: { 'WWW-Authenticate': 'Bearer' } });
    const { access_token } = await sessions.accessFor(token);
    req.headers.authorization = `Bearer ${access_token}`;
    next();
  };
}
