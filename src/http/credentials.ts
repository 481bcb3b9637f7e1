import type { Request } from 'express';
import type { SessionCookie, SessionCookies } from './session-cookies.js';

/**
 * A credential a request carries, and where it came from. Header credentials (Bearer,
 * ApiKey) are sent deliberately by the client; a cookie is ambient (the browser attaches it
 * to any request), which is why cookie-authenticated requests are checked for CSRF.
 */
export type Credential =
  | { source: 'bearer'; token: string }
  | { source: 'api-key'; key: string }
  | { source: 'cookie'; cookie: SessionCookie; token: string };

/** What a route accepts beside a Bearer token. */
export interface Accepted {
  /** `Authorization: ApiKey <key>`. */
  apiKey?: boolean;
  /** Session cookies (cookie mode), the first present in this order. */
  cookies?: readonly SessionCookie[];
}

const BEARER = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)$/i;
const API_KEY = /^ApiKey[ ]+([\x21-\x7e]+)$/i;

/**
 * The one ordered list of credential sources, shared by `requireUser` and the session
 * routes: `Authorization: Bearer`, then `Authorization: ApiKey`, then cookies. Cookies are
 * read only from a request without an `Authorization` header, so that a client that sends a
 * header is judged by it alone, whatever its browser also holds.
 */
export class CredentialSources {
  /** `cookies`: the session cookies in cookie mode; without them no cookie is ever read. */
  constructor(readonly cookies?: SessionCookies) {}

  read(req: Request, accepted: Accepted = {}): Credential | undefined {
    const header = req.headers.authorization;
    if (header) {
      const bearer = BEARER.exec(header)?.[1];
      if (bearer) return { source: 'bearer', token: bearer };
      const key = accepted.apiKey ? API_KEY.exec(header)?.[1] : undefined;
      return key ? { source: 'api-key', key } : undefined;
    }
    if (!this.cookies) return undefined;
    for (const cookie of accepted.cookies ?? []) {
      const token = this.cookies.read(req, cookie);
      if (token) return { source: 'cookie', cookie, token };
    }
    return undefined;
  }
}
