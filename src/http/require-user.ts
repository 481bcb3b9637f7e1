import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AuthError } from '../errors.js';
import { PROVIDER_TYPES, type ProviderType, type UserType } from '../model/types.js';
import type { AccessClaims, AccessTokens } from '../tokens/access-token.js';
import type { SessionCheck } from '../tokens/session-check.js';
import { Lru } from '../util/lru.js';
import type { AuthUser } from '../model/auth-user.js';
import type { CredentialSources } from './credentials.js';
import type { CrossOriginCheck } from './csrf.js';
import { sendError } from './error-handler.js';
import type { Logger } from '../options.js';
import type { RequestAuthenticator } from '../providers/capabilities.js';


export interface RequireUserOptions {
  /** The user must hold an identity of one of these provider types. */
  providers?: ProviderType[];
  /** The user's type must be one of these. */
  types?: UserType[];
  /** Whether users holding only anonymous identities pass. @default true */
  allowAnonymous?: boolean;
  /** Also confirm the session is live and the user enabled (a store read, briefly cached). @default false */
  checkSession?: boolean;
  /** A last, host-defined check; false answers 403. */
  predicate?: (user: AuthUser, req: Request) => boolean | Promise<boolean>;
  /**
   * Also accept `Authorization: ApiKey <key>` (server-to-server calls), without a login.
   * A verified key is trusted for the api-key provider's `requestCacheMs`: disabling it
   * takes effect at once in this process, within that time in others. Needs the api-key
   * provider. @default false
   */
  apiKeys?: boolean;
}

const unauthorized = (code: 'MissingAuthReq' | 'InvalidSession', message: string, error?: string) =>
  new AuthError(code, message, {
    headers: { 'WWW-Authenticate': error ? `Bearer error="${error}"` : 'Bearer' },
  });
const forbidden = (message: string) => new AuthError('Forbidden', message);

/**
 * Builds `requireUser(options)`. Its default path reads no database: a verified token is
 * kept in a size-bounded cache until it expires, so a repeat request costs one map lookup.
 */
export function createRequireUser(deps: {
  access: AccessTokens;
  check: SessionCheck;
  cacheSize: number;
  now: () => Date;
  logger: Logger;
  /** Where credentials are read from: Bearer, ApiKey, the access cookie in cookie mode. */
  sources: CredentialSources;
  /** Cookie-authenticated state-changing requests must come from this origin or a trusted one. */
  crossOrigin: CrossOriginCheck;
  /** The api-key provider's request authenticator, when that provider is enabled. */
  apiKeys?: () => RequestAuthenticator | undefined;
}) {
  const verified = new Lru<string, AccessClaims>(deps.cacheSize);

  /** Verified claims of a token: from the cache (no reordering: the hot path stays two map reads) or by jose. */
  function cachedClaims(token: string): AccessClaims | null | undefined {
    const cached = verified.peek(token);
    if (cached === undefined) return undefined;
    if (cached.exp * 1000 > deps.now().getTime()) return cached;
    verified.delete(token);
    return null;
  }

  async function verifiedClaims(token: string): Promise<AccessClaims | null> {
    const claims = await deps.access.verify(token);
    if (claims) verified.set(token, claims);
    return claims;
  }

  const userOf = (claims: AccessClaims): AuthUser => ({
    id: claims.sub,
    type: claims.utp,
    providers: claims.prv,
    anonymous: claims.anon,
    sessionId: claims.sid,
  });

  return function requireUser(options: RequireUserOptions = {}): RequestHandler {
    validate(options);
    const { providers, types, allowAnonymous = true, checkSession = false, predicate } = options;
    const apiKeyUser = options.apiKeys ? deps.apiKeys?.() : undefined;
    if (options.apiKeys && !apiKeyUser) throw new TypeError('requireUser: options.apiKeys needs the api-key provider enabled');
    const accepted = { apiKey: apiKeyUser !== undefined, cookies: ['access'] as const };

    async function tokenUser(token: string, cached: AccessClaims | null | undefined): Promise<AuthUser> {
      const claims = cached === undefined ? await verifiedClaims(token) : cached;
      if (!claims) throw unauthorized('InvalidSession', 'invalid or expired access token', 'invalid_token');
      if (checkSession) {
        const state = await deps.check.state(claims.sid, claims.sub);
        if (state === 'revoked') throw unauthorized('InvalidSession', 'the session has ended', 'invalid_token');
        if (state === 'disabled') throw unauthorized('InvalidSession', 'user is disabled', 'invalid_token');
      }
      return userOf(claims);
    }

    /** What the route requires that the token alone can tell. */
    function refusal(user: AuthUser): AuthError | undefined {
      if (!allowAnonymous && user.anonymous) return forbidden('anonymous users may not access this resource');
      if (types && !types.includes(user.type)) return forbidden(`requires a user of type ${types.join(' or ')}`);
      if (providers && !providers.some((p) => user.providers.includes(p))) {
        return forbidden(`requires an identity from ${providers.join(' or ')}`);
      }
      return undefined;
    }

    // Host routes have their own error handling, so the guard answers its refusals itself.
    // A cached token on a route without checkSession or predicate is admitted synchronously:
    // no promise, no store, no signature check.
    return function requireUserMiddleware(req: Request, res: Response, next: NextFunction) {
      const fail = (err: unknown) => (res.headersSent ? next(err) : sendError(err, req, res, deps.logger));
      const admit = (user: AuthUser) => {
        const refused = refusal(user);
        if (refused) return fail(refused);
        req.user = user;
        next();
      };
      const credential = deps.sources.read(req, accepted);
      if (!credential) return fail(unauthorized('MissingAuthReq', 'an access token is required'));
      const refused = deps.crossOrigin.refusalFor(req, credential);
      if (refused) return fail(refused);
      if (credential.source === 'api-key') return void apiKeyUser!(credential.key).then(withPredicate).catch(fail);
      const { token } = credential;
      const cached = cachedClaims(token);
      if (cached && !checkSession && !predicate) return admit(userOf(cached));
      void tokenUser(token, cached).then(withPredicate).catch(fail);

      function withPredicate(user: AuthUser) {
        if (!predicate || refusal(user)) return admit(user);
        return Promise.resolve(predicate(user, req)).then((ok) => (ok ? admit(user) : fail(forbidden('access denied'))));
      }
    };
  };
}

function validate(options: RequireUserOptions): void {
  if (typeof options !== 'object' || options === null) throw new TypeError('requireUser: options must be an object');
  const { providers, types, predicate } = options;
  if (providers !== undefined && (!Array.isArray(providers) || !providers.every((p) => PROVIDER_TYPES.includes(p)))) {
    throw new TypeError(`requireUser: options.providers must list provider types (${PROVIDER_TYPES.join(', ')})`);
  }
  if (types !== undefined && (!Array.isArray(types) || !types.every((t) => t === 'normal' || t === 'server'))) {
    throw new TypeError("requireUser: options.types must list 'normal' and/or 'server'");
  }
  if (predicate !== undefined && typeof predicate !== 'function') {
    throw new TypeError('requireUser: options.predicate must be a function');
  }
}
