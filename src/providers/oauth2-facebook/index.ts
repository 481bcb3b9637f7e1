import type { Request } from 'express';
import { Strategy as FacebookStrategy } from 'passport-facebook';
import { z } from 'zod';
import { AuthError } from '../../errors.js';
import type { ProviderOptions } from '../../options.js';
import { parseBody } from '../../util/parse-input.js';
import { nativeStrategy, oauthSetup, webFlowOf, type VerifyDone } from '../oauth/setup.js';
import { webFlowRoutes, type WebFlow } from '../oauth/web-flow.js';
import type { ProviderModule } from '../provider.js';
import { Graph } from './graph.js';
import { facebookIdentity, graphFields } from './identity.js';

const OWNER = 'Facebook';
const DEFAULT_SCOPES = ['email', 'public_profile'];

// App Services' native body: a user access token from the Facebook SDK.
const loginBody = z.object({ accessToken: z.string().min(1).max(4096) });

// passport-facebook names some Graph fields after Portable Contacts: its `name` asks for
// first, middle and last names, its `displayName` for Graph's `name`.
const asProfileField = (field: string) => (field === 'name' ? 'displayName' : field);

/**
 * oauth2-facebook: Facebook Login. The web flow runs passport-facebook (state in the state
 * cookie, `appsecret_proof` on the profile call, the `email` field asked for explicitly);
 * native apps log in with `{ accessToken }`, checked with `debug_token` before `/me`.
 * Facebook's emails count as unverified: they never link accounts by email.
 */
export const oauth2Facebook: ProviderModule<ProviderOptions['oauth2-facebook']> = {
  type: 'oauth2-facebook',
  create(options, ctx) {
    const urls = { authorizationUrl: options.authorizationUrl, tokenUrl: options.tokenUrl, graphUrl: options.graphUrl };
    const setup = oauthSetup(ctx, 'oauth2-facebook', options, urls, 'lax');
    const fields = graphFields(options.metadataFields);
    const graph = new Graph({ ...options, logger: ctx.logger });

    async function nativeLogin(req: Request) {
      const { accessToken } = parseBody(loginBody, req);
      const userId = await graph.tokenUser(accessToken);
      const identity = facebookIdentity(await graph.me(accessToken, fields), options.metadataFields);
      if (identity.id !== userId) throw new AuthError('AuthError', 'invalid Facebook access token: the profile is another user’s');
      return identity;
    }

    let flow: WebFlow | undefined;
    if (setup.web) {
      const strategy = new FacebookStrategy(
        {
          clientID: options.clientId,
          clientSecret: options.clientSecret,
          callbackURL: setup.web.callbackUrl,
          authorizationURL: options.authorizationUrl,
          tokenURL: options.tokenUrl,
          profileURL: `${options.graphUrl}/me`,
          profileFields: fields.map(asProfileField),
          enableProof: true,
          scope: options.scopes ?? DEFAULT_SCOPES,
          store: setup.web.store as never,
          passReqToCallback: true,
        },
        // The token came from our own code exchange, with our app secret: it is ours.
        (_req: Request, _access: string, _refresh: string, profile: { _json?: unknown }, done: VerifyDone) => {
          try {
            done(null, facebookIdentity(profile._json, options.metadataFields) as never);
          } catch (err) {
            done(err);
          }
        },
      );
      flow = webFlowOf(setup, setup.web, { type: 'oauth2-facebook', owner: OWNER, strategy, nonce: false }, options);
    }

    return {
      type: 'oauth2-facebook',
      strategy: nativeStrategy(nativeLogin),
      loginGuards: setup.loginGuards,
      routes: (router) => webFlowRoutes(router, ctx, flow),
    };
  },
};
