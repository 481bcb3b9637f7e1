import type { Request, RequestHandler, Response, Router } from 'express';
import type { Strategy } from 'passport';
import type { CompleteLogin } from '../identity/complete-login.js';
import type { VerifiedIdentity } from '../identity/verified-identity.js';
import type { IdentityRecord, ProviderType, UserType } from '../model/types.js';
import type { Logger } from '../options.js';
import type { Store } from '../store/store.js';
import type { IssuedTokens } from '../tokens/sessions.js';
import type { RequestAuthenticator, ServerApiKeys } from './capabilities.js';
import type { RateLimitFactory } from './limiter.js';

/** What a provider route may require of the current user (a subset of `requireUser`'s options). */
export interface UserGuardOptions {
  providers?: ProviderType[];
  types?: UserType[];
  allowAnonymous?: boolean;
  checkSession?: boolean;
}

/**
 * How a Passport strategy ended a request: it verified an identity, or it sent the browser
 * elsewhere (the response is then written), or it passed without deciding. A failure or an
 * error rejects instead.
 */
export type StrategyOutcome =
  | { type: 'success'; identity: VerifiedIdentity }
  | { type: 'redirect'; location: string }
  | { type: 'pass' };

/** Runs a Passport strategy on a request and settles with its outcome (see http/authenticate.ts). */
export type RunStrategy = (
  strategy: Strategy,
  req: Request,
  res: Response,
  options?: Record<string, unknown>,
  answerRedirect?: (url: string, status: number) => void,
) => Promise<StrategyOutcome>;

/** What the core lends every provider. */
export interface ProviderContext {
  store: Store;
  now: () => Date;
  logger: Logger;
  /** 'production' refuses insecure settings. */
  environment: 'production' | 'development' | 'test';
  /** Removes a user and everything that belongs to it (see users/delete-user.ts). */
  deleteUser: (userId: string) => Promise<boolean>;
  /** Ends every session of a user (password reset, disable). */
  revokeSessions: (userId: string) => Promise<number>;
  /**
   * Deletes the credentials that other providers issued to a user and that outlive its
   * password (user API keys), for an account recovery; returns how many.
   */
  revokeIssuedCredentials: (userId: string) => Promise<number>;
  /** Ends the sessions a user opened with one identity (a disabled or deleted credential). */
  revokeSessionsOpenedWith: (userId: string, providerType: ProviderType, id: string) => Promise<number>;
  /** The same guard host apps use, for provider routes that need a logged-in user. */
  requireUser: (options?: UserGuardOptions) => RequestHandler;
  /**
   * Runs work after the response, so that its cost does not show in the answer's timing (a
   * mail to a known address); failures are logged. `auth.settled()` waits for it.
   */
  afterResponse: (label: string, work: () => unknown) => void;
  /** Builds a rate limiter (per IP or per account) answering 429 `TooManyRequests`. */
  rateLimit: RateLimitFactory;
  /**
   * Finishes a login exactly as `POST /providers/:provider/login` does (or links, with `link`),
   * for providers whose logins end elsewhere, such as an OAuth callback.
   */
  completeLogin: CompleteLogin;
  /** Runs a Passport strategy with all five of its outcomes handled, for a provider's own routes. */
  authenticate: RunStrategy;
  /**
   * Hands a browser the session of a login finished by a redirect (an OAuth callback), and
   * returns the query parameters the redirect adds: in cookie mode the session cookies are set
   * and nothing is added; otherwise a one-time `code` for `POST /session/exchange`, which only
   * this browser can redeem (it is bound to a cookie set here), so a code sent to someone else
   * logs nobody into the sender's account.
   */
  finishWebLogin: (req: Request, res: Response, tokens: IssuedTokens) => Promise<Record<string, string>>;
  /** Logs an auth event, and a refused credential, as the router's own routes do. */
  audit: {
    event: (req: Request, event: string, meta: Record<string, unknown>) => void;
    refusal: (req: Request, event: string, err: unknown, meta: Record<string, unknown>) => void;
  };
  /**
   * A 256-bit key for one purpose (`label`), derived from the token signing key: the same in
   * every instance that shares the configuration, so a browser may come back to any of them.
   */
  secret: (label: string) => Uint8Array;
}

/**
 * An enabled provider: a Passport strategy that only turns a login request into a
 * `VerifiedIdentity` (the shared identity code does the rest), plus optional routes.
 */
export interface Provider {
  type: ProviderType;
  strategy: Strategy;
  /** Middleware run before the strategy on `POST /providers/<type>/login`, such as rate limits. */
  loginGuards?: RequestHandler[];
  /** Extra routes, mounted under `/providers/<type>`. */
  routes?: (router: Router) => void;
  /** Routes of the provider that App Services places outside `/providers/<type>` (e.g. `/api_keys`), mounted at the router's root. */
  rootRoutes?: (router: Router) => void;
  /** Removes the provider's own records (credentials, keys) of an identity that is unlinked or deleted. */
  forget?: (identity: IdentityRecord) => Promise<void>;
  /**
   * Drops credentials that claim this email address (lower-cased) without having proven it,
   * such as a pending registration: run when another provider proves the address belongs to
   * someone (option `linkByVerifiedEmail`). Returns the ids of users whose identities it removed.
   */
  revokeUnverifiedEmail?: (address: string) => Promise<string[]>;
  /**
   * Drops what the provider keeps in memory about a user (verified API keys), so that a
   * disable, a deletion or a revocation of the user's sessions takes effect at once in this process.
   */
  forgetUserCaches?: (userId: string) => void;
  /** Deletes the credentials this provider issued to a user (see `ProviderContext.revokeIssuedCredentials`). */
  revokeIssuedCredentials?: (userId: string) => Promise<number>;
  /** Periodic clean-up run by `auth.sweep()`; returns how many records it removed. */
  sweep?: () => Promise<number>;
  /** Authenticates requests that carry the provider's credential without a login (`requireUser({ apiKeys: true })`). */
  requestAuthenticator?: RequestAuthenticator;
  /** Server API keys, managed through `auth.users.apiKeys`. */
  serverKeys?: ServerApiKeys;
}

export interface ProviderModule<O> {
  type: ProviderType;
  create(options: O, ctx: ProviderContext): Provider;
}
