import type { Request } from 'express';
import { Strategy as LocalStrategy } from 'passport-local';
import { z } from 'zod';
import type { VerifiedIdentity } from '../../identity/verified-identity.js';
import { parseBody } from '../../util/parse-input.js';
import { emailField } from './email.js';

// App Services' login body; extra fields (`options.device`…) are the login route's business.
const loginBody = z.object({ username: emailField, password: z.string().min(1) });

/**
 * passport-local, reading `{ username, password }` from the JSON body. The body is
 * checked first: passport-local would hand an object (`{"$ne": null}`) to the verify
 * function, or fall back to the query string for a missing field; here either is a 400.
 */
class UserpassStrategy extends LocalStrategy {
  override authenticate(req: Request, options?: unknown): void {
    try {
      parseBody(loginBody, req, { username: 'email' });
    } catch (err) {
      this.error(err as Error);
      return;
    }
    super.authenticate(req, options);
  }
}

/** The strategy only pulls the credentials out of the request; `verify` checks them. */
export function userpassStrategy(verify: (username: string, password: string) => Promise<VerifiedIdentity>) {
  return new UserpassStrategy({ usernameField: 'username', passwordField: 'password', session: false }, (username, password, done) => {
    // Passport types `done` for the logged-in user; what flows here is a VerifiedIdentity (see http/authenticate.ts).
    verify(username, password).then((identity) => done(null, identity as never), done);
  });
}
