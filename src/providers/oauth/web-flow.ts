import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Strategy } from 'passport';
import { z } from 'zod';
import {
  appServicesLanding,
  appServicesWebLogin,
  isAppServicesRequest,
  REDIRECT_LOCATION_HEADER,
  type AppServicesStart,
} from '../../app-services/oauth-redirect.js';
import { AuthError, DuplicateKeyError, StoreUnavailableError } from '../../errors.js';
import type { ProviderType } from '../../model/types.js';
import { randomSecret, safeEqual, sha256 } from '../../tokens/secrets.js';
import { parseInput } from '../../util/parse-input.js';
import { runWithTimeout, TimeoutError } from '../../util/run-with-timeout.js';
import type { ProviderContext } from '../provider.js';
import { oauthError } from './oauth-errors.js';
import { withParams, type RedirectAllowlist } from './redirect-target.js';
import type { OAuthTransaction, StateCookie } from './state-cookie.js';
import { setTransaction, type StartingTransaction } from './state-store.js';

/** One provider's web flow: its stock strategy (built over the cookie state store) and what surrounds it. */
export interface WebFlow {
  type: ProviderType;
  /** The provider's name for people: `Google`. */
  owner: string;
  strategy: Strategy;
  cookie: StateCookie;
  redirects: RedirectAllowlist;
  /** Whether the authorization request carries a nonce (providers that return an ID token). */
  nonce: boolean;
  stateTtl: number;
  timeoutMs: number;
  /** Per-address limits on starting logins and on callbacks. */
  limits: RequestHandler[];
}

const flag = z.enum(['true', 'false']).optional();
const loginQuery = z.object({ redirect: z.string().max(4096).optional(), link: flag });

const text = (max: number) => z.string().max(max).optional();
/** What a provider sends back: strings only (a repeated parameter is an array, and refused). */
const callbackParams = z.object({
  code: text(4096),
  state: text(512),
  error: text(256),
  error_description: text(2048),
  // Facebook's own names for an error.
  error_code: text(64),
  error_message: text(2048),
  id_token: text(16_384),
  user: text(4096),
});
export type CallbackParams = z.infer<typeof callbackParams>;

/** Where a web login being started goes when it ends, and for whom. */
interface Target {
  redirect: string;
  link: boolean;
  appServices: AppServicesStart | undefined;
}

// Apple answers with a cross-site form POST: a small urlencoded body, nothing nested.
const formBody = express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 20 });

const notConfigured = () => new AuthError('BadRequest', 'the web login of this provider is not configured (callbackUrl)');
const refused = (message: string) => new AuthError('AuthError', message);

/**
 * `GET /login?redirect=…[&link=true]` and `GET|POST /callback` of one OAuth provider.
 *
 * The login checks the target against the allowlist before anything else, then lets the stock
 * strategy answer 302 to the provider; the strategy's state store seals the state, PKCE
 * verifier, nonce, target and link target into the state cookie. The callback opens the
 * cookie, checks the state and that it was never used, runs the strategy (code exchange, ID
 * token), finishes the login as `POST /login` does, and sends the browser to the target with
 * a one-time `code` for `POST /session/exchange`. A failure goes to the target with `error`
 * and `error_code`; without a valid cookie no target is known, and the answer is JSON.
 *
 * A login started through the App Services routes (realm-web's OAuth redirect) carries the
 * SDK's state and device, and ends in the SDK's manner: the session's tokens, or the error,
 * in the target's fragment (see app-services/oauth-redirect.ts).
 */
export function webFlowRoutes(router: Router, ctx: ProviderContext, flow: WebFlow | undefined): void {
  const noStore: RequestHandler = (_req, res, next) => {
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
    next();
  };
  const limits = flow?.limits ?? [];
  const signedIn = ctx.requireUser({ checkSession: true });

  // The target is judged first: a refused one never reaches the provider, nor the user check.
  const target: RequestHandler = (req, res, next) => {
    if (!flow) throw notConfigured();
    // What only the provider's answer carries: passport-oauth2 (and passport-facebook, with its
    // own names) would take it for a callback. An App Services client sends a `state` of its
    // own, which the strategy never sees.
    const body = req.body as Record<string, unknown> | undefined;
    const appServicesRoute = isAppServicesRequest(req);
    const answerOnly = ['code', 'error', 'error_code', 'error_message', ...(appServicesRoute ? [] : ['state'])];
    if (answerOnly.some((name) => req.query[name] !== undefined || body?.[name] !== undefined)) {
      throw new AuthError('InvalidParameter', 'a login request carries no code, state or error; the provider returns to the callback');
    }
    const query = parseInput(loginQuery, req.query, 'query');
    const redirect = flow.redirects.target(query.redirect);
    const appServices = appServicesWebLogin(req, redirect);
    // A link started from another site would link whatever account the browser holds at the
    // provider (silent consent): it starts from this site's pages only (Fetch Metadata). The
    // App Services SDK starts a link with its access token in the Authorization header, which
    // no other site's page holds, from a page that may be on another origin.
    const site = req.headers['sec-fetch-site'];
    const crossSite = site !== undefined && site !== 'same-origin' && site !== 'none';
    if (query.link === 'true' && crossSite && !(appServices?.inHeader && req.headers.authorization)) {
      throw new AuthError('Forbidden', 'cross-origin request refused');
    }
    const target: Target = { redirect, link: query.link === 'true', appServices };
    res.locals['oauthTarget'] = target;
    next();
  };
  const linkingUser: RequestHandler = (req, res, next) => ((res.locals['oauthTarget'] as Target).link ? signedIn(req, res, next) : next());

  router.get('/login', noStore, ...limits, target, linkingUser, async (req, res) => {
    const { redirect, link, appServices } = res.locals['oauthTarget'] as Target;
    const starting: StartingTransaction = {
      redirect,
      link: link ? { userId: req.user!.id, sessionId: req.user!.sessionId } : undefined,
      nonce: flow!.nonce ? randomSecret() : undefined,
      appServices: appServices?.login,
    };
    // An App Services link is started by a fetch, which cannot follow the provider's page: 200 and a header.
    const inHeader = (url: string) => {
      res.set({ [REDIRECT_LOCATION_HEADER]: url, 'Access-Control-Expose-Headers': REDIRECT_LOCATION_HEADER }).status(200).end();
    };
    const options = { state: starting, nonce: starting.nonce };
    const outcome = await ctx.authenticate(flow!.strategy, req, res, options, appServices?.inHeader ? inHeader : undefined);
    if (outcome.type !== 'redirect') throw new AuthError('InternalServerError', `the ${flow!.owner} strategy did not redirect`);
  });

  const callback: RequestHandler = async (req, res) => {
    if (!flow) throw notConfigured();
    const transaction = await flow.cookie.open(req);
    if (!transaction) throw refused('the login state is missing or expired in this browser; start the login again');
    try {
      await finish(req, res, flow, transaction);
    } catch (err) {
      const error = asAuthError(oauthError(err, flow.owner, ctx.logger), ctx, req);
      ctx.audit.refusal(req, transaction.link ? 'link' : 'login', error, { provider: flow.type });
      const { appServices, redirect } = transaction;
      const { error: message } = error.toJSON();
      res.redirect(
        302,
        appServices ? appServicesLanding(redirect, appServices, { error: message }) : withParams(redirect, { error: message, error_code: error.code }),
      );
    }
  };
  router.get('/callback', noStore, ...limits, callback);
  router.post('/callback', noStore, ...limits, formBody, callback);

  async function finish(req: Request, res: Response, flow: WebFlow, transaction: OAuthTransaction): Promise<void> {
    // A form POST answers in its body only: the strategy reads the query first, so none may ride along.
    const posted = req.method === 'POST';
    if (posted && ['code', 'state', 'error'].some((name) => req.query[name] !== undefined)) {
      throw new AuthError('InvalidParameter', 'a posted callback carries its parameters in the form only');
    }
    const params = parseInput(callbackParams, posted ? (req.body ?? {}) : req.query, 'callback');
    // The state first: a callback that is not the answer to this browser's login (a link to
    // `?error=access_denied`) changes nothing, and the login under way can still finish.
    if (params.state === undefined || !safeEqual(params.state, transaction.state)) {
      throw refused('the state does not match the login this browser started');
    }
    flow.cookie.clear(res); // single use, whatever happens next
    if (params.error !== undefined || params.error_code !== undefined) throw denied(flow.owner, params);
    await markUsed(flow, transaction);
    if (params.code === undefined || params.code === '') throw refused(`${flow.owner} sent no authorization code`);
    setTransaction(req, transaction);
    const outcome = await runWithTimeout(() => ctx.authenticate(flow.strategy, req, res), flow.timeoutMs).catch((err: unknown) => {
      throw err instanceof TimeoutError ? new AuthError('ServiceUnavailable', `${flow.owner} did not answer in time`) : err;
    });
    if (outcome.type !== 'success') throw refused(`the ${flow.owner} login did not complete`);
    const { link, appServices, redirect } = transaction;
    const tokens = await ctx.completeLogin(outcome.identity, { link, ...(appServices && { client: 'app-services', device: appServices.device }) });
    ctx.audit.event(req, link ? 'link' : 'login', { userId: tokens.userId, provider: flow.type, sessionId: tokens.sessionId });
    res.redirect(
      302,
      appServices
        ? appServicesLanding(redirect, appServices, { tokens, linked: link !== undefined })
        : withParams(redirect, await ctx.finishWebLogin(req, res, tokens)),
    );
  }

  /** Records the state as used until it would have expired anyway: a replayed cookie and state are refused. */
  async function markUsed(flow: WebFlow, transaction: OAuthTransaction): Promise<void> {
    const now = ctx.now();
    try {
      await ctx.store.insertToken({
        hash: sha256(`oauth-state:${transaction.state}`),
        purpose: 'oauth-state',
        subject: flow.type,
        createdAt: now,
        expiresAt: new Date(now.getTime() + flow.stateTtl * 1000),
      });
    } catch (err) {
      if (err instanceof DuplicateKeyError) throw refused('this login was already completed; start a new one');
      throw err;
    }
  }
}

/** The provider said no (`error=access_denied`, the user cancelled): a refusal, with its code. */
function denied(owner: string, params: CallbackParams): AuthError {
  // Reflected into the target's query: a short token of safe characters only.
  const code = (params.error ?? params.error_code ?? 'error').replace(/[^\w.-]/g, '').slice(0, 64) || 'error';
  const cancelled = code === 'access_denied' || code === 'user_cancelled_authorize' || code === '200';
  return refused(cancelled ? `the ${owner} login was cancelled` : `${owner} refused the login (${code})`);
}

/** What a failure tells the browser: an AuthError as is; the store down as 503; anything else, logged, as 500. */
function asAuthError(err: unknown, ctx: ProviderContext, req: Request): AuthError {
  if (err instanceof AuthError) return err;
  if (err instanceof StoreUnavailableError) return new AuthError('ServiceUnavailable', 'the service is temporarily unavailable');
  ctx.logger.error('express-auth-providers: unexpected error in an OAuth callback', {
    path: req.path,
    error: err instanceof Error ? err.stack : String(err),
  });
  return new AuthError('InternalServerError', 'internal server error');
}
