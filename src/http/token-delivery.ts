import type { Request, RequestHandler, Response } from 'express';
import type { IssuedTokens } from '../tokens/sessions.js';
import type { Credential } from './credentials.js';
import type { CrossOriginCheck } from './csrf.js';
import type { SessionCookies } from './session-cookies.js';

/** What a login or a refresh answers in JSON (snake_case, as App Services clients expect). */
export interface TokenResponse {
  access_token: string;
  /** Absent when a rotated token was presented again within its grace period (a concurrent refresh), and on a link. */
  refresh_token?: string;
  token_type: 'Bearer';
  expires_in: number;
  user_id: string;
  device_id: string;
}

/** What a login or a refresh answers in cookie mode: the tokens are in cookies, never in the body. */
export interface CookieTokenResponse {
  expires_in: number;
  user_id: string;
  device_id: string;
}

export type DeliveryMode = 'json' | 'cookie';

/** The request header by which a client of a cookie-mode server asks for tokens in the body (mobile and server clients). */
export const DELIVERY_HEADER = 'token-delivery';

/**
 * The one place tokens leave the server: in the JSON body, or in cookies (cookie mode). The
 * way is decided by how the request was authenticated: tokens go back the way its credential
 * came, so a token held in an HttpOnly cookie never reaches page scripts; a login has no
 * credential and gets cookies in cookie mode unless the client sends `Token-Delivery: json`.
 * Whatever starts a session answers through `send` in one line (a login, a link, a refresh, the
 * exchange of a one-time code); a redirect that completes a login calls `setCookies` first.
 */
export class TokenDelivery {
  constructor(
    private readonly cookies: SessionCookies | undefined,
    private readonly crossOrigin: CrossOriginCheck,
  ) {}

  mode(req: Request, via?: Credential): DeliveryMode {
    if (!this.cookies) return 'json';
    if (via) return via.source === 'cookie' ? 'cookie' : 'json';
    if (req.headers.authorization) return 'json';
    return req.headers[DELIVERY_HEADER] === 'json' ? 'json' : 'cookie';
  }

  /**
   * Answers with issued tokens. `via`: the credential the request was authenticated with
   * (a refresh, a link); none for a login.
   */
  send(req: Request, res: Response, tokens: IssuedTokens, via?: Credential): void {
    res.set('Cache-Control', 'no-store');
    if (this.mode(req, via) === 'cookie') {
      this.cookies!.set(req, res, tokens);
      const body: CookieTokenResponse = { expires_in: tokens.expiresIn, user_id: tokens.userId, device_id: tokens.sessionId };
      res.json(body);
      return;
    }
    this.sendJson(res, tokens);
  }

  /** Answers with the tokens in the JSON body whatever the mode (clients that read no cookies: App Services' SDKs). */
  sendJson(res: Response, tokens: IssuedTokens): void {
    const body: TokenResponse = {
      access_token: tokens.accessToken,
      ...(tokens.refreshToken !== undefined ? { refresh_token: tokens.refreshToken } : {}),
      token_type: 'Bearer',
      expires_in: tokens.expiresIn,
      user_id: tokens.userId,
      device_id: tokens.sessionId,
    };
    res.set('Cache-Control', 'no-store').json(body);
  }

  /** Sets the session cookies without answering (a redirect that completes a login in cookie mode). */
  setCookies(req: Request, res: Response, tokens: IssuedTokens): void {
    this.cookies?.set(req, res, tokens);
  }

  /** Expires the session cookies, in cookie mode. */
  clear(req: Request, res: Response): void {
    this.cookies?.clear(req, res);
  }

  /**
   * Refuses a cross-origin login whose answer would set cookies (login CSRF: a page on
   * another site must not swap the visitor's session for one of its choosing).
   */
  readonly guardLogin: RequestHandler = (req, _res, next) => {
    next(this.mode(req) === 'cookie' ? this.crossOrigin.refusal(req) : undefined);
  };
}
