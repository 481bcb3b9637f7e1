import type { CookieOptions, Request, Response } from 'express';
import type { CookieSettings } from '../options.js';
import type { IssuedTokens } from '../tokens/sessions.js';
import { cookieValue } from '../util/cookie-value.js';
import { mountPathOf } from './mount-path.js';

export type SessionCookie = 'access' | 'refresh';

// Hosts a browser treats as secure contexts over plain http: the only ones where `Secure`
// may be dropped, and only outside production.
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The two session cookies of cookie mode: the access token (`Path=/`, so it reaches the
 * host's routes) and the refresh token, path-scoped to the session route so that it travels
 * nowhere else. Both `HttpOnly`, `SameSite` as configured (Lax by default), `Secure` except
 * over http on localhost outside production. Secure cookies carry the `__Host-` and
 * `__Secure-` prefixes, which a browser only accepts from https with those attributes.
 */
export class SessionCookies {
  constructor(
    private readonly settings: CookieSettings,
    private readonly production: boolean,
    private readonly now: () => Date,
  ) {}

  /** Whether this request's cookies are `Secure`. */
  secure(req: Request): boolean {
    if (this.settings.secure !== undefined) return this.settings.secure;
    // Browsers drop `SameSite=None` without `Secure`; they accept `Secure` from http://localhost.
    if (this.settings.sameSite === 'none' || this.production) return true;
    return req.secure || !LOOPBACK.has(req.hostname);
  }

  name(req: Request, cookie: SessionCookie): string {
    const base = `${this.settings.name}-${cookie}`;
    if (!this.secure(req)) return base;
    return cookie === 'access' ? `__Host-${base}` : `__Secure-${base}`;
  }

  /** The value of one session cookie the request carries, if any. */
  read(req: Request, cookie: SessionCookie): string | undefined {
    const header = req.headers.cookie;
    return cookieValue(header, this.name(req, cookie));
  }

  /** Sets the access cookie, and the refresh cookie when a refresh token was issued. */
  set(req: Request, res: Response, tokens: IssuedTokens): void {
    res.cookie(this.name(req, 'access'), tokens.accessToken, { ...this.attributes(req, 'access'), maxAge: tokens.expiresIn * 1000 });
    if (tokens.refreshToken === undefined) return;
    const remaining = tokens.sessionExpiresAt.getTime() - this.now().getTime();
    res.cookie(this.name(req, 'refresh'), tokens.refreshToken, { ...this.attributes(req, 'refresh'), maxAge: Math.max(0, remaining) });
  }

  /** Expires both cookies (with the attributes they were set with, or the browser keeps them). */
  clear(req: Request, res: Response): void {
    for (const cookie of ['access', 'refresh'] as const) res.clearCookie(this.name(req, cookie), this.attributes(req, cookie));
  }

  private attributes(req: Request, cookie: SessionCookie): CookieOptions {
    const path = cookie === 'access' ? '/' : (this.settings.refreshPath ?? `${mountPathOf(req)}/session`);
    return { httpOnly: true, secure: this.secure(req), sameSite: this.settings.sameSite, path };
  }
}
