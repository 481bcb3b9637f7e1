import passport from 'passport';
import type { Router } from 'express';
import type { IdentityRecord } from './model/types.js';
import { parseOptions, type AuthOptions, type Logger } from './options.js';
import type { Provider, ProviderContext } from './providers/provider.js';
import { providerModules } from './providers/registry.js';
import { apiKeyRequestAuthenticator, serverApiKeys } from './providers/api-key/index.js';
import { normaliseEmail } from './providers/local-userpass/email.js';
import { createRequireUser, type RequireUserOptions } from './http/require-user.js';
import { rateLimiter } from './http/rate-limit.js';
import { assembleRouter } from './http/router.js';
import { loginRoutes } from './http/login-routes.js';
import { linkRoutes } from './http/link-routes.js';
import { sessionRoutes } from './http/session-routes.js';
import { parseAppServicesOptions, type AppServicesOptions } from './app-services/options.js';
import { appServicesRoutes } from './app-services/router.js';
import { Accounts } from './identity/accounts.js';
import { createKeySet } from './tokens/key-set.js';
import { AccessTokens } from './tokens/access-token.js';
import { SessionCheck } from './tokens/session-check.js';
import { Sessions } from './tokens/sessions.js';
import { adminRoutes } from './users/admin-router.js';
import { deleteUser } from './users/delete-user.js';
import { createUserManagement, type UserManagement } from './users/user-management.js';
import type { Store } from './store/store.js';
import { BackgroundWork } from './util/background.js';
import type { RequestHandler } from 'express';

export interface Auth {
  /** Mount it: `app.use('/auth', auth.router)`. */
  router: Router;
  /** Protects a host route; sets `req.user`. */
  requireUser(options?: RequireUserOptions): RequestHandler;
  /**
   * The admin API (`auth.users` over HTTP) behind the host's guard, which runs first on every
   * request: `app.use('/admin/auth', auth.adminRouter(auth.requireUser({ types: ['server'] })))`.
   */
  adminRouter(...guards: RequestHandler[]): Router;
  /**
   * App Services' client API (its SDKs, such as `realm-web`, unchanged but for their base URL),
   * over the same handlers; mount it at the host's root: `app.use(auth.appServicesRouter({ appId }))`.
   * Its sessions keep their refresh token, as App Services' did. See docs/app-services.md.
   */
  appServicesRouter(options: AppServicesOptions): Router;
  /** Creates the store's indexes. The router also does this on its first request. */
  init(): Promise<void>;
  /** Removes expired sessions and tokens, and inactive anonymous users; run it periodically. */
  sweep(): Promise<{ sessions: number; tokens: number; providers: Record<string, number> }>;
  /**
   * Resolves once the work the router does after answering (preparing mails) has finished:
   * await it before the process exits.
   */
  settled(): Promise<void>;
  /** User management (SPEC §7). */
  users: UserManagement;
  store: Store;
}

const toConsole =
  (write: (...args: unknown[]) => void) =>
  (message: string, meta?: Record<string, unknown>) =>
    meta === undefined ? write(message) : write(message, meta);
const consoleLogger: Logger = { info: toConsole(console.info), warn: toConsole(console.warn), error: toConsole(console.error) };

/** Creates the auth instance. Every option is checked here: a wrong one throws a TypeError naming it. */
export function createAuth(input: AuthOptions): Auth {
  const options = parseOptions(input);
  const environment = options.environment ?? (process.env.NODE_ENV === 'production' ? 'production' : 'development');
  const logger = options.logger ?? consoleLogger;
  const now = options.now ?? (() => new Date());
  const { store, hooks } = options;

  const keys = createKeySet(options.tokens, environment, logger);
  const access = new AccessTokens(keys, options.tokens, now);
  const check = new SessionCheck(store, options.tokens.sessionCheckCacheMs, now);
  const sessions = new Sessions(store, access, check, options.tokens, now, logger);

  const providers = new Map<string, Provider>();
  const forget = async (identity: IdentityRecord) => providers.get(identity.providerType)?.forget?.(identity);
  const revokeSessions = (userId: string) => {
    for (const provider of providers.values()) provider.forgetUserCaches?.(userId);
    return sessions.revokeAllOfUser(userId);
  };
  const removeUser = (userId: string) => deleteUser({ store, revokeSessions, forget, hooks, logger }, userId);
  const requireUser = createRequireUser({
    access,
    check,
    cacheSize: options.tokens.verifiedTokenCacheSize,
    now,
    logger,
    apiKeys: () => apiKeyRequestAuthenticator(providers.get('api-key')),
  });
  const liveUser = requireUser({ checkSession: true });
  const background = new BackgroundWork((label, err) =>
    logger.error(`express-auth-providers: ${label} failed`, { error: err instanceof Error ? err.message : String(err) }),
  );
  const context: ProviderContext = {
    store,
    now,
    logger,
    environment,
    deleteUser: removeUser,
    revokeSessions,
    revokeSessionsOpenedWith: (userId, providerType, id) => sessions.revokeOpenedWith(userId, providerType, id),
    async revokeIssuedCredentials(userId) {
      let revoked = 0;
      for (const provider of providers.values()) revoked += (await provider.revokeIssuedCredentials?.(userId)) ?? 0;
      return revoked;
    },
    requireUser,
    afterResponse: (label, work) => background.run(label, work),
    rateLimit: rateLimiter(logger),
  };
  const authenticator = new passport.Passport();
  for (const [type, providerOptions] of Object.entries(options.providers)) {
    if (providerOptions === undefined) continue;
    const module = providerModules[type as keyof typeof providerModules];
    const provider = module.create(providerOptions as never, context);
    providers.set(type, provider);
    authenticator.use(type, provider.strategy);
  }

  const accounts = new Accounts({
    store,
    now,
    logger,
    hooks,
    forget,
    emailLink: {
      providers: options.linkByVerifiedEmail,
      logger,
      forget,
      revokeSessions,
      async revokeUnverifiedEmail(address) {
        const users: string[] = [];
        for (const provider of providers.values()) users.push(...((await provider.revokeUnverifiedEmail?.(address)) ?? []));
        return users;
      },
    },
  });
  const users = createUserManagement({
    store,
    now,
    deleteUser: removeUser,
    revokeSessions,
    normaliseEmail,
    apiKeys: serverApiKeys(providers.get('api-key')),
    logger,
  });

  let initialised: Promise<void> | undefined;
  const init = () => {
    initialised ??= store.init().catch((err) => {
      initialised = undefined; // retried by the next request
      throw err;
    });
    return initialised;
  };
  const assemble = (groups: Router[]) => assembleRouter({ ready: init, bodyLimit: options.bodyLimit, logger, groups });

  const loginDeps = { passport: authenticator, providers, accounts, sessions, liveUser, logger };
  const sessionGroup = sessionRoutes({ store, sessions, access, providers, liveUser, deleteUser: removeUser, logger });
  const router = assemble([
    loginRoutes(loginDeps),
    linkRoutes({ passport: authenticator, providers, accounts, liveUser, logger }),
    sessionGroup,
  ]);

  return {
    router,
    requireUser,
    adminRouter(...guards) {
      if (guards.length === 0 || guards.some((g) => typeof g !== 'function')) {
        throw new TypeError(
          "adminRouter: pass the middleware that admits administrators, e.g. auth.requireUser({ types: ['server'] })",
        );
      }
      return assemble([adminRoutes(users, guards)]);
    },
    appServicesRouter(input) {
      return appServicesRoutes(parseAppServicesOptions(input, environment), {
        assemble,
        login: loginRoutes({ ...loginDeps, client: 'app-services' }),
        session: sessionGroup,
        sessions,
      });
    },
    init,
    store,
    async sweep() {
      const expired = await store.sweepExpired(now());
      const swept: Record<string, number> = {};
      for (const provider of providers.values()) if (provider.sweep) swept[provider.type] = await provider.sweep();
      return { ...expired, providers: swept };
    },
    users,
    settled: () => background.settled(),
  };
}
