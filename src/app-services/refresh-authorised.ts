import type { RequestHandler } from 'express';
import { AuthError } from '../errors.js';
import { CredentialSources } from '../http/credentials.js';
import type { Sessions } from '../tokens/sessions.js';

/**
 * App Services authorises `/auth/api_keys` with the session's refresh token. The token is
 * checked as a refresh is (a live session, reuse detection, an enabled user) and exchanged,
 * inside this request only, for an access token of the same session, so the native API key
 * routes and their guard (non-anonymous, live session) decide the rest. Nothing is rotated.
 */
export function refreshAuthorised(sessions: Sessions): RequestHandler {
  // The Bearer header only: App Services' clients hold no cookies, and a cookie never authorises here.
  const headerOnly = new CredentialSources();
  return async (req, _res, next) => {
    const credential = headerOnly.read(req);
    if (credential?.source !== 'bearer') {
      throw new AuthError('MissingAuthReq', 'must authenticate first', { headers: { 'WWW-Authenticate': 'Bearer' } });
    }
    const { accessToken } = await sessions.accessFor(credential.token);
    req.headers.authorization = `Bearer ${accessToken}`;
    next();
  };
}
