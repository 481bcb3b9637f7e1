import type { Request } from 'express';
import AppleStrategy from 'passport-apple';
import type { Logger } from '../../options.js';
import { exchangeCode } from '../oauth/token-endpoint.js';
import type { AppleClientSecret } from './client-secret.js';

type TokenCallback = (err: unknown, accessToken?: string, refreshToken?: string, results?: Record<string, unknown>) => void;

/** passport-oauth2's own authenticate, which passport-apple overrides. */
const oauth2Authenticate = (Object.getPrototypeOf(AppleStrategy.prototype) as { authenticate: (req: Request, options?: object) => void }).authenticate;

export interface AppleWebOptions {
  tokenUrl: string;
  clientId: string;
  secret: AppleClientSecret;
  timeoutMs: number;
  logger: Logger;
}

/**
 * passport-apple for the web flow, with the parts it gets wrong replaced:
 * - its `authenticate` assigns `req.query` (a getter in Express 5: the assignment is lost or
 *   throws) and `JSON.parse`s the `user` field unguarded; passport-oauth2's own authenticate
 *   runs instead, reading `code` from the form body, and the web flow reads `user` safely;
 * - its `authorizationParams` sets its own random `state` (never checked against the browser,
 *   and it bypasses the state store, so no PKCE verifier is kept) and forces the scope: here
 *   the state store's state, the login's nonce and `response_mode=form_post`;
 * - its token exchange signs a six-month client secret with jsonwebtoken on every call and
 *   `JSON.parse`s the answer unguarded (a non-JSON answer crashes the process): here the
 *   jose-signed, renewed secret and a bounded exchange whose failures are answers.
 * The ID token it hands over unverified is verified by the provider's verify callback.
 */
export class AppleWebStrategy extends AppleStrategy {
  constructor(options: Record<string, unknown>, verify: (...args: never[]) => void, web: AppleWebOptions) {
    super(options, verify);
    const oauth2 = (this as unknown as { _oauth2: { getOAuthAccessToken: unknown } })._oauth2;
    oauth2.getOAuthAccessToken = (code: string, params: Record<string, string>, done: TokenCallback) => {
      web.secret
        .get()
        .then((secret) =>
          exchangeCode({
            tokenUrl: web.tokenUrl,
            form: { ...params, code, client_id: web.clientId, client_secret: secret },
            owner: 'Apple',
            timeoutMs: web.timeoutMs,
            logger: web.logger,
          }),
        )
        .then((results) => done(null, String(results['access_token'] ?? ''), results['refresh_token'] as string | undefined, results), done);
    };
  }

  override authenticate(req: Request, options?: object): void {
    oauth2Authenticate.call(this, req, options);
  }

  override authorizationParams(options: { nonce?: string }): object {
    return { response_mode: 'form_post', ...(options.nonce ? { nonce: options.nonce } : {}) };
  }
}
