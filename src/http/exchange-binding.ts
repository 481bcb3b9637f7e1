import type { Request, Response } from 'express';
import { randomSecret } from '../tokens/secrets.js';
import { cookieValue } from '../util/cookie-value.js';
import { mountPathOf } from './mount-path.js';

const NAME = 'eap-exchange';
const MAX_AGE = 60;

/**
 * The cookie that binds a web login's one-time code to the browser that finished the login:
 * set on the callback's redirect, sent only to `POST /session/exchange` (its path), for a
 * minute. Without it a code is worthless, so a code that someone sends to another person
 * (a link to the target page with their `?code=`) cannot log that person into their account.
 * `Secure`, like the login's state cookie: browsers keep it from http://localhost too.
 */
export const exchangeBinding = {
  /** Sets a new binding on the answer; returns its value, to keep with the code. */
  set(req: Request, res: Response): string {
    const value = randomSecret();
    res.append('Set-Cookie', `${NAME}=${value}; Path=${mountPathOf(req)}/session/exchange; Max-Age=${MAX_AGE}; HttpOnly; Secure; SameSite=Lax`);
    return value;
  },

  read(req: Request): string | undefined {
    const value = cookieValue(req.headers.cookie, NAME);
    return value !== undefined && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
  },

  clear(req: Request, res: Response): void {
    res.append('Set-Cookie', `${NAME}=; Path=${mountPathOf(req)}/session/exchange; Max-Age=0; HttpOnly; Secure; SameSite=Lax`);
  },
};
