import type { Request, RequestHandler } from 'express';
import type { Strategy } from 'passport';
import { Strategy as CustomStrategy } from 'passport-custom';
import type { VerifiedIdentity } from '../../identity/verified-identity.js';
import type { ProviderType } from '../../model/types.js';
import type { ProviderOptions } from '../../options.js';
import { requireHttpsInProduction } from '../https-only.js';
import { providerLimiter } from '../limiter.js';
import type { ProviderContext } from '../provider.js';
import { RedirectAllowlist } from './redirect-target.js';
import { StateCookie } from './state-cookie.js';
import { CookieStateStore } from './state-store.js';
import type { WebFlow } from './web-flow.js';

type OAuthType = 'oauth2-google' | 'oauth2-facebook' | 'oauth2-apple';
type OAuthOptions = ProviderOptions[OAuthType];

export interface OAuthSetup {
  /** Native logins per address, the failed ones more tightly. */
  loginGuards: RequestHandler[];
  /** Web logins started and callbacks, per address. */
  webLimits: RequestHandler[];
  redirects: RedirectAllowlist;
  /** Present when the web flow is configured (`callbackUrl`). */
  web?: { cookie: StateCookie; store: CookieStateStore; callbackUrl: string } | undefined;
}

/**
 * What the three OAuth providers set up alike at start-up: production refuses plain http for
 * the callback, the redirect URIs and every provider URL (they carry codes, tokens and
 * secrets); the limiters; the redirect allowlist; the state cookie (scoped to the callback's
 * path, keyed per provider) and the state store the stock strategy gets.
 */
export function oauthSetup(
  ctx: ProviderContext,
  type: OAuthType,
  options: OAuthOptions,
  urls: Record<string, string>,
  sameSite: 'lax' | 'none',
): OAuthSetup {
  requireHttpsInProduction(ctx, `${type}.callbackUrl`, options.callbackUrl);
  options.redirectUris.forEach((uri, i) => requireHttpsInProduction(ctx, `${type}.redirectUris.${i}`, uri));
  for (const [name, url] of Object.entries(urls)) requireHttpsInProduction(ctx, `${type}.${name}`, url);

  const limiter = providerLimiter(ctx, type, options.rateLimit.store);
  const { login, web: webRule } = options.rateLimit;
  const setup: OAuthSetup = {
    loginGuards: [limiter('login:ip', login.perIp), limiter('login:failed-ip', login.failedPerIp, { failuresOnly: true })],
    webLimits: [limiter('web:ip', webRule.perIp)],
    redirects: new RedirectAllowlist(options.redirectUris),
  };
  if (options.callbackUrl) {
    const cookie = new StateCookie({
      provider: type,
      path: new URL(options.callbackUrl).pathname,
      sameSite,
      ttlSeconds: options.stateTtl,
      key: ctx.secret(`oauth state ${type}`),
      now: ctx.now,
    });
    setup.web = { cookie, store: new CookieStateStore(cookie, type), callbackUrl: options.callbackUrl };
  }
  return setup;
}

/** The web flow of a provider whose stock strategy is built over `setup.web.store`. */
export function webFlowOf(
  setup: OAuthSetup,
  web: NonNullable<OAuthSetup['web']>,
  flow: Pick<WebFlow, 'type' | 'owner' | 'strategy' | 'nonce'>,
  options: Pick<OAuthOptions, 'stateTtl' | 'timeoutMs'>,
): WebFlow {
  return { ...flow, cookie: web.cookie, redirects: setup.redirects, stateTtl: options.stateTtl, timeoutMs: options.timeoutMs, limits: setup.webLimits };
}

/** A native login (`POST /providers/<type>/login`): the strategy only hands the request to `login`. */
export function nativeStrategy(login: (req: Request) => Promise<VerifiedIdentity>): Strategy {
  return new CustomStrategy((req, done) => {
    Promise.resolve()
      .then(() => login(req))
      .then((identity) => done(null, identity), (err: unknown) => done(err));
  });
}

/**
 * The `done` a stock strategy's verify callback gets. Passport types it for its logged-in user;
 * what flows here is a VerifiedIdentity (see http/authenticate.ts), hence `never`.
 */
export type VerifyDone = (err: unknown, identity?: never) => void;

export type { OAuthType, ProviderType };
