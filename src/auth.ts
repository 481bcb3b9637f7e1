import type { Router } from 'express';
import type { IdentityRecord } from './model/types.js';
import { parseOptions, type AuthOptions, type Logger } from './options.js';
import type { Provider, ProviderContext } from './providers/provider.js';
import { providerModules } from './providers/registry.js';
import { createRequireUser, type RequireUserOptions } from './http/require-user.js';
import { rateLimiter } from './http/rate-limit.js';
import { assembleRouter } from './http/router.js';
import { loginRoutes } from './http/login-routes.js';
import { linkRoutes } from './http/link-routes.js';
import { sessionRoutes } from './http/session-routes.js';
import { CredentialSources } from './http/credentials.js';
import { CrossOriginCheck, csrfGuard } from './http/csrf.js';
import { SessionCookies } from './http/session-cookies.js';
import { TokenDelivery } from './http/token-delivery.js';
import { audit, auditRefusal } from './http/audit.js';
import { exchangeBinding } from './http/exchange-binding.js';
import { exchangeRoutes } from './http/exchange-routes.js';
import { authenticate } from './http/authenticate.js';
import { parseAppServicesOptions, type AppServicesOptions } from './app-services/options.js';
import { appServicesRoutes } from './app-services/router.js';
import { Accounts } from './identity/accounts.js';
import { completeLogin } from './identity/complete-login.js';
import { ExchangeCodes } from './tokens/exchange-codes.js';
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
   * CSRF protection for host routes that do not use `requireUser` (which has it for cookies
   * already): refuses a cross-origin state-changing request (403) unless it carries a Bearer
   * or ApiKey credential. Same-origin is told by Fetch Metadata, or the Origin header where a
   * browser sends none; `trustedOrigins` pass.
   */
  csrfGuard(): RequestHandler;
  /**
   * App Services' client API (its SDKs, such as `realm-web`, unchanged but for their base URL),
   * over the same handlers; mount it at the host's root: `app.use(auth.appServicesRouter({ appId }))`.
   * Its sessions keep their refresh token, as App Services' did, and its answers are JSON even
   * in cookie mode. See docs/app-services.md.
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

  if (environment === 'production' && options.cookies?.secure === false) {
    throw new TypeError('createAuth: options.cookies.secure: false is refused in production (session cookies must be Secure)');
  }
  const cookies = options.cookies && new SessionCookies(options.cookies, environment === 'production', now);
  const sources = new CredentialSources(cookies);
  const crossOrigin = new CrossOriginCheck(options.trustedOrigins);
  const delivery = new TokenDelivery(cookies, crossOrigin);

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
    sources,
    crossOrigin,
    apiKeys: () => [...providers.values()].find((p) => p.requestAuthenticator)?.requestAuthenticator,
  });
  const liveUser = requireUser({ checkSession: true });
  const background = new BackgroundWork((label, err) =>
    logger.error(`express-auth-providers: ${label} failed`, { error: err instanceof Error ? err.message : String(err) }),
  );
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
  const exchangeCodes = new ExchangeCodes(store, now);
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
    completeLogin: completeLogin(accounts, sessions, check),
    authenticate,
    async finishWebLogin(req, res, tokens): Promise<Record<string, string>> {
      if (cookies) {
        delivery.setCookies(req, res, tokens);
        return {};
      }
      return { code: await exchangeCodes.issue(tokens, exchangeBinding.set(req, res)) };
    },
    audit: {
      event: (req, event, meta) => audit(logger, req, event, meta),
      refusal: (req, event, err, meta) => auditRefusal(logger, req, event, err, meta),
    },
    secret: (label) => keys.deriveSecret(label),
  };
  for (const [type, providerOptions] of Object.entries(options.providers)) {
    if (providerOptions === undefined) continue;
    const module = providerModules[type as keyof typeof providerModules];
    providers.set(type, module.create(providerOptions as never, context));
  }

  const users = createUserManagement({
    store,
    now,
    deleteUser: removeUser,
    revokeSessions,
    apiKeys: [...providers.values()].find((p) => p.serverKeys)?.serverKeys,
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

  const loginDeps = { providers, completeLogin: context.completeLogin, delivery, sources, liveUser, logger };
  const sessionGroup = sessionRoutes({ store, sessions, access, providers, sources, crossOrigin, delivery, liveUser, deleteUser: removeUser, logger });
  const router = assemble([
    loginRoutes(loginDeps),
    linkRoutes({ providers, accounts, liveUser, logger }),
    sessionGroup,
    exchangeRoutes(exchangeCodes, delivery),
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
    csrfGuard: () => csrfGuard(crossOrigin, sources, logger),
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
