import { Strategy as CustomStrategy } from 'passport-custom';
import { AuthError } from '../../errors.js';
import type { ProviderOptions } from '../../options.js';
import type { ProviderModule } from '../provider.js';
import { callAuthenticate } from './call-authenticate.js';

/**
 * custom-function: the host's `authenticate(payload, ctx)` decides who the sender of any JSON
 * object is; the id it returns is the identity id (not the user id).
 */
export const customFunction: ProviderModule<ProviderOptions['custom-function']> = {
  type: 'custom-function',
  create(options, ctx) {
    return {
      type: 'custom-function',
      strategy: new CustomStrategy((req, done) => {
        const body: unknown = req.body;
        if (typeof body !== 'object' || body === null || Array.isArray(body)) {
          return done(new AuthError('InvalidParameter', 'the login payload must be a JSON object'));
        }
        callAuthenticate(options, payloadOf(body as Record<string, unknown>), { ip: req.ip, headers: req.headers }, ctx.logger).then(
          (identity) => done(null, identity),
          done,
        );
      }),
    };
  },
};

/**
 * The payload without the client's login envelope (`options: { device }`, which App Services
 * SDKs add to every login body); anything else the client sent is the host's to judge.
 */
function payloadOf(body: Record<string, unknown>): Record<string, unknown> {
  const { options, ...rest } = body;
  const envelope = typeof options === 'object' && options !== null && Object.keys(options).every((k) => k === 'device');
  return envelope ? rest : body;
}
