import { AuthError, StoreUnavailableError } from '../../errors.js';
import type { Logger } from '../../options.js';

interface OAuthLibraryError {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  status?: unknown;
  oauthError?: { statusCode?: unknown; code?: unknown } | undefined;
}

const refused = (owner: string, what: string) => new AuthError('AuthError', `${owner} refused the login: ${what}`);

/**
 * What the stock strategies' errors (passport-oauth2's TokenError, InternalOAuthError,
 * AuthorizationError; passport-facebook's and passport-google-oauth20's API errors) mean to
 * the client: the provider refusing a code or token is a 401; the provider unreachable or
 * failing (a 5xx, a network error) is a 503 the login can retry. Ours pass through.
 */
export function oauthError(err: unknown, owner: string, logger: Logger): unknown {
  if (err instanceof AuthError || err instanceof StoreUnavailableError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as OAuthLibraryError;
  // passport-oauth2 wraps what a token exchange fails with; ours says what it meant.
  if (e.oauthError instanceof AuthError) return e.oauthError;
  const name = typeof e.name === 'string' ? e.name : '';
  const status = typeof e.oauthError?.statusCode === 'number' ? e.oauthError.statusCode : typeof e.status === 'number' ? e.status : undefined;
  if (/TokenError$|AuthorizationError$/.test(name)) return refused(owner, typeof e.code === 'string' ? e.code : 'the authorization code');
  if (name === 'InternalOAuthError' || /APIError$|UserInfoError$/.test(name) || (err instanceof Error && /access token|user profile/.test(err.message))) {
    if (status !== undefined && status >= 400 && status < 500) return refused(owner, 'the token or code is not valid');
    logger.warn(`express-auth-providers: ${owner} did not answer as expected`, {
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      status,
    });
    return new AuthError('ServiceUnavailable', `${owner} is unavailable`);
  }
  return err;
}
