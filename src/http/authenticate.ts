import type { Request, Response } from 'express';
import type passportModule from 'passport';
import { AuthError } from '../errors.js';
import type { VerifiedIdentity } from '../identity/verified-identity.js';

export type PassportInstance = InstanceType<typeof passportModule.Passport>;

/**
 * Runs one provider's Passport strategy on a request, without sessions, and resolves
 * with the identity it verified. A strategy reports failure by passing an AuthError
 * as its error, or by `fail(info)`.
 */
export function authenticate(
  passport: PassportInstance,
  strategy: string,
  req: Request,
  res: Response,
): Promise<VerifiedIdentity> {
  return new Promise((resolve, reject) => {
    const middleware = passport.authenticate(
      strategy,
      { session: false },
      (err: unknown, identity: VerifiedIdentity | false, info: unknown) => {
        if (err) return reject(err);
        if (identity) return resolve(identity);
        if (info instanceof AuthError) return reject(info);
        const message = (info as { message?: unknown } | undefined)?.message;
        reject(new AuthError('AuthError', typeof message === 'string' ? message : 'authentication failed'));
      },
    );
    middleware(req, res, reject);
  });
}
