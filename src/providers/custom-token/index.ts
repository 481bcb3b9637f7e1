import { Strategy as CustomStrategy } from 'passport-custom';
import { z } from 'zod';
import { parseBody } from '../../util/parse-input.js';
import type { VerifiedIdentity } from '../../identity/verified-identity.js';
import type { ProviderOptions } from '../../options.js';
import type { ProviderModule } from '../provider.js';
import { emailFromClaims } from './email-claims.js';
import { metadataFromClaims } from '../../model/metadata-fields.js';
import { invalidToken } from './invalid-token.js';
import { remoteKeySource } from '../../tokens/remote-jwks.js';
import { requireHttpsInProduction } from '../https-only.js';
import { staticKeySource } from './static-keys.js';
import { createTokenVerifier } from './verify-token.js';

const loginBody = z.looseObject({ token: z.string().min(1) });

/** custom-token: a JWT issued by the host's own auth system; its `sub` is the identity id. */
export const customToken: ProviderModule<ProviderOptions['custom-token']> = {
  type: 'custom-token',
  create(options, ctx) {
    requireHttpsInProduction(ctx, 'custom-token.jwksUri', options.jwksUri);
    const keys = options.jwksUri
      ? remoteKeySource(options.jwksUri, options.jwksFetch, ctx.logger, 'custom-token')
      : staticKeySource(options);
    const verifyToken = createTokenVerifier(options, keys, ctx.now, ctx.logger);

    async function verify(token: string): Promise<VerifiedIdentity> {
      const claims = await verifyToken(token);
      return {
        providerType: 'custom-token',
        id: claims.sub,
        data: metadataFromClaims(claims, options.metadataFields, invalidToken),
        ...emailFromClaims(claims, options.email),
      };
    }

    return {
      type: 'custom-token',
      strategy: new CustomStrategy((req, done) => {
        try {
          const { token } = parseBody(loginBody, req);
          verify(token).then((identity) => done(null, identity), done);
        } catch (err) {
          done(err);
        }
      }),
    };
  },
};
