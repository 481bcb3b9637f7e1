import type { RequestHandler, Router } from 'express';
import type { Strategy } from 'passport';
import type { IdentityRecord, ProviderType } from '../model/types.js';
import type { Logger } from '../options.js';
import type { Store } from '../store/store.js';
import type { RequireUserOptions } from '../http/require-user.js';
import type { RateLimitFactory } from '../http/rate-limit.js';

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
  requireUser: (options?: RequireUserOptions) => RequestHandler;
  /**
   * Runs work after the response, so that its cost does not show in the answer's timing (a
   * mail to a known address); failures are logged. `auth.settled()` waits for it.
   */
  afterResponse: (label: string, work: () => unknown) => void;
  /** Builds a rate limiter (per IP or per account) answering 429 `TooManyRequests`. */
  rateLimit: RateLimitFactory;
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
}

export interface ProviderModule<O> {
  type: ProviderType;
  create(options: O, ctx: ProviderContext): Provider;
}
