import type { Request } from 'express';
import { z } from 'zod';
import { AuthError } from '../../errors.js';
import type { ProviderOptions } from '../../options.js';
import { parseBody } from '../../util/parse-input.js';
import { idTokenVerifier } from '../oauth/id-token.js';
import { nativeStrategy, oauthSetup, webFlowOf, type VerifyDone } from '../oauth/setup.js';
import { transactionOf } from '../oauth/state-store.js';
import { exchangeCode } from '../oauth/token-endpoint.js';
import { webFlowRoutes, type WebFlow } from '../oauth/web-flow.js';
import type { ProviderModule } from '../provider.js';
import { googleIdentity } from './identity.js';
import { GoogleWebStrategy } from './web-strategy.js';

const OWNER = 'Google';
const DEFAULT_SCOPES = ['openid', 'email', 'profile'];

// App Services' native bodies: an ID token from Google Sign-In, or a server auth code.
const loginBody = z
  .object({ id_token: z.string().min(1).max(16_384).optional(), authCode: z.string().min(1).max(4096).optional() })
  .refine((b) => (b.id_token === undefined) !== (b.authCode === undefined), 'send either id_token or authCode');

/**
 * oauth2-google: Sign in with Google. The web flow runs passport-google-oauth20 (PKCE S256,
 * state and nonce in the state cookie); the identity is the `sub` of the ID token, verified
 * against Google's keys. Native apps log in with `{ id_token }` or `{ authCode }`.
 */
export const oauth2Google: ProviderModule<ProviderOptions['oauth2-google']> = {
  type: 'oauth2-google',
  create(options, ctx) {
    const urls = { authorizationUrl: options.authorizationUrl, tokenUrl: options.tokenUrl, jwksUri: options.jwksUri };
    const setup = oauthSetup(ctx, 'oauth2-google', options, urls, 'lax');
    const verifyIdToken = idTokenVerifier({
      owner: OWNER,
      jwksUri: options.jwksUri,
      jwksFetch: options.jwksFetch,
      issuers: options.issuer,
      clientId: options.clientId,
      now: ctx.now,
      logger: ctx.logger,
    });

    async function nativeLogin(req: Request) {
      const body = parseBody(loginBody, req);
      let idToken = body.id_token;
      if (body.authCode !== undefined) {
        const answer = await exchangeCode({
          tokenUrl: options.tokenUrl,
          form: {
            grant_type: 'authorization_code',
            code: body.authCode,
            client_id: options.clientId,
            client_secret: options.clientSecret,
            redirect_uri: options.authCodeRedirectUri,
          },
          owner: OWNER,
          timeoutMs: options.timeoutMs,
          logger: ctx.logger,
        });
        if (typeof answer['id_token'] !== 'string') throw new AuthError('AuthError', 'Google sent no ID token for the code');
        idToken = answer['id_token'];
      }
      return googleIdentity(await verifyIdToken(idToken!), options.metadataFields);
    }

    let flow: WebFlow | undefined;
    if (setup.web) {
      const strategy = new GoogleWebStrategy(
        {
          clientID: options.clientId,
          clientSecret: options.clientSecret,
          callbackURL: setup.web.callbackUrl,
          authorizationURL: options.authorizationUrl,
          tokenURL: options.tokenUrl,
          scope: options.scopes ?? DEFAULT_SCOPES,
          store: setup.web.store as never,
          pkce: true,
          passReqToCallback: true,
          // Everything needed is in the verified ID token: no userinfo call.
          skipUserProfile: true,
        },
        // passport-oauth2 passes the token response (`params`) only to a verify of six parameters.
        (req: Request, _access: string, _refresh: string, params: { id_token?: unknown }, _profile: unknown, done: VerifyDone) => {
          const nonce = transactionOf(req)?.nonce;
          if (typeof params.id_token !== 'string' || !nonce) return done(new AuthError('AuthError', 'Google sent no ID token'));
          verifyIdToken(params.id_token, { nonce })
            .then((claims) => done(null, googleIdentity(claims, options.metadataFields) as never))
            .catch(done);
        },
      );
      flow = webFlowOf(setup, setup.web, { type: 'oauth2-google', owner: OWNER, strategy, nonce: true }, options);
    }

    return {
      type: 'oauth2-google',
      strategy: nativeStrategy(nativeLogin),
      loginGuards: setup.loginGuards,
      routes: (router) => webFlowRoutes(router, ctx, flow),
    };
  },
};
