import type { Request } from 'express';
import { z } from 'zod';
import { AuthError } from '../../errors.js';
import type { ProviderOptions } from '../../options.js';
import { parseBody } from '../../util/parse-input.js';
import { idTokenVerifier, invalidIdToken, type IdTokenClaims } from '../oauth/id-token.js';
import { nativeStrategy, oauthSetup, webFlowOf, type VerifyDone } from '../oauth/setup.js';
import { transactionOf } from '../oauth/state-store.js';
import { webFlowRoutes, type WebFlow } from '../oauth/web-flow.js';
import type { ProviderContext, ProviderModule } from '../provider.js';
import { AppleClientSecret } from './client-secret.js';
import { appleIdentity } from './identity.js';
import { displayNameOf } from './user-field.js';
import { AppleWebStrategy } from './web-strategy.js';

const OWNER = 'Apple';
const DEFAULT_SCOPES = ['name', 'email'];

// App Services' native body; `nonce` is the raw nonce whose SHA-256 the app sent to Apple.
const loginBody = z.object({ id_token: z.string().min(1).max(16_384), nonce: z.string().min(1).max(512).optional() });
// What Apple posts beside the code.
const formFields = z.object({ id_token: z.string().max(16_384).optional(), user: z.string().optional() });

/**
 * The name to store: the one the `user` field gives on the identity's first login, else the
 * one stored then (Apple sends it once; a later login must not lose it, nor can a forged
 * field rename a known user).
 */
async function displayName(ctx: ProviderContext, sub: string, userField: string | undefined): Promise<string | undefined> {
  const known = await ctx.store.getIdentity('oauth2-apple', sub);
  if (!known) return displayNameOf(userField);
  return typeof known.data['name'] === 'string' ? known.data['name'] : undefined;
}

/**
 * oauth2-apple: Sign in with Apple. The web flow runs passport-apple with what it gets wrong
 * replaced (see web-strategy.ts): Apple answers with a cross-site form POST, so the state
 * cookie is `SameSite=None`; the ID token from the token endpoint is verified against Apple's
 * keys, with the nonce. Native apps log in with `{ id_token }`.
 */
export const oauth2Apple: ProviderModule<ProviderOptions['oauth2-apple']> = {
  type: 'oauth2-apple',
  create(options, ctx) {
    const urls = { authorizationUrl: options.authorizationUrl, tokenUrl: options.tokenUrl, jwksUri: options.jwksUri };
    const setup = oauthSetup(ctx, 'oauth2-apple', options, urls, 'none');
    const verifyIdToken = idTokenVerifier({
      owner: OWNER,
      jwksUri: options.jwksUri,
      jwksFetch: options.jwksFetch,
      issuers: options.issuer,
      clientId: options.clientId,
      now: ctx.now,
      logger: ctx.logger,
    });
    const identityOf = async (claims: IdTokenClaims, userField?: string) =>
      appleIdentity(claims, await displayName(ctx, claims.sub, userField), options.metadataFields);

    async function nativeLogin(req: Request) {
      const { id_token, nonce } = parseBody(loginBody, req);
      return identityOf(await verifyIdToken(id_token, nonce === undefined ? undefined : { nonce, hashed: true }));
    }

    /** The token endpoint's ID token, and the form's when Apple posted one: both verified, naming one user. */
    async function webLogin(req: Request, params: { id_token?: unknown }) {
      const nonce = transactionOf(req)?.nonce;
      if (typeof params.id_token !== 'string' || !nonce) throw new AuthError('AuthError', 'Apple sent no ID token');
      const claims = await verifyIdToken(params.id_token, { nonce });
      const form = formFields.safeParse(req.body ?? {});
      if (!form.success) throw new AuthError('InvalidParameter', 'invalid callback form');
      if (form.data.id_token) {
        const posted = await verifyIdToken(form.data.id_token, { nonce });
        if (posted.sub !== claims.sub) throw invalidIdToken('the posted ID token names another user');
      }
      return identityOf(claims, form.data.user);
    }

    let flow: WebFlow | undefined;
    if (setup.web) {
      const secret = new AppleClientSecret({ ...options, ttlSeconds: options.clientSecretTtl, now: ctx.now });
      const strategy = new AppleWebStrategy(
        {
          clientID: options.clientId,
          teamID: options.teamId,
          keyID: options.keyId,
          callbackURL: setup.web.callbackUrl,
          authorizationURL: options.authorizationUrl,
          tokenURL: options.tokenUrl,
          scope: options.scopes ?? DEFAULT_SCOPES,
          store: setup.web.store,
          pkce: true,
          passReqToCallback: true,
        },
        // Six parameters: passport-oauth2 then passes the token response, with its ID token.
        (req: Request, _access: string, _refresh: string, params: { id_token?: unknown }, _profile: unknown, done: VerifyDone) => {
          webLogin(req, params).then((identity) => done(null, identity as never), done);
        },
        { tokenUrl: options.tokenUrl, clientId: options.clientId, secret, timeoutMs: options.timeoutMs, logger: ctx.logger },
      );
      flow = webFlowOf(setup, setup.web, { type: 'oauth2-apple', owner: OWNER, strategy, nonce: true }, options);
    }

    return {
      type: 'oauth2-apple',
      strategy: nativeStrategy(nativeLogin),
      loginGuards: setup.loginGuards,
      routes: (router) => webFlowRoutes(router, ctx, flow),
    };
  },
};
