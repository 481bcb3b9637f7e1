import type { Request, Response } from 'express';
import type { Strategy } from 'passport';
import { AuthError } from '../errors.js';
import type { VerifiedIdentity } from '../identity/verified-identity.js';
import type { StrategyOutcome } from '../providers/provider.js';

/** The five actions Passport gives a strategy for one request. */
interface StrategyActions {
  success(identity: VerifiedIdentity, info?: unknown): void;
  fail(challenge?: unknown, status?: number): void;
  redirect(url: string, status?: number): void;
  pass(): void;
  error(err: unknown): void;
}

/** What a `fail(challenge)` becomes: its AuthError, or a 401 carrying its message. */
function refusal(challenge: unknown): AuthError {
  if (challenge instanceof AuthError) return challenge;
  const message = (challenge as { message?: unknown } | undefined)?.message;
  return new AuthError('AuthError', typeof message === 'string' && message !== '' ? message : 'authentication failed');
}

/**
 * Runs a Passport strategy on one request, without sessions, and settles with its outcome.
 *
 * The strategy is run as Passport's own middleware runs it (a fresh object over the shared
 * strategy, given the five actions), because that middleware writes a `redirect` itself and
 * turns `pass` into `next()`: here both are outcomes the route answers. A redirect ends the
 * request at once (302 to the location, nothing else in the body, unless `answerRedirect`
 * answers it another way); `pass` lets the caller
 * decide; `fail` rejects with an AuthError (401 unless the strategy's own AuthError says
 * otherwise); `error`, or a throw from the strategy, rejects with the error. Only the first
 * action a strategy calls counts.
 */
export function authenticate(
  strategy: Strategy,
  req: Request,
  res: Response,
  options: Record<string, unknown> = {},
  answerRedirect: (url: string, status: number) => void = (url, status) => res.redirect(status, url),
): Promise<StrategyOutcome> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const once =
      <A extends unknown[]>(act: (...args: A) => void) =>
      (...args: A) => {
        if (settled) return;
        settled = true;
        act(...args);
      };
    const actions: StrategyActions = {
      success: once((identity) => resolve({ type: 'success', identity })),
      fail: once((challenge) => reject(refusal(challenge))),
      redirect: once((url, status = 302) => {
        answerRedirect(url, status);
        resolve({ type: 'redirect', location: url });
      }),
      pass: once(() => resolve({ type: 'pass' })),
      error: once((err) => reject(err ?? new AuthError('InternalServerError', 'the strategy failed without an error'))),
    };
    // A strategy object with its actions bound, as `this` is inside a strategy's authenticate.
    const run = Object.assign(Object.create(strategy) as Strategy, actions) as unknown as {
      authenticate(req: Request, options: object): void;
    };
    try {
      run.authenticate(req, { session: false, ...options });
    } catch (err) {
      actions.error(err);
    }
  });
}

/** Runs a login strategy, whose only acceptable outcome is an identity. */
export async function verifiedIdentity(strategy: Strategy, req: Request, res: Response): Promise<VerifiedIdentity | undefined> {
  const outcome = await authenticate(strategy, req, res);
  if (outcome.type === 'success') return outcome.identity;
  if (outcome.type === 'pass') throw new AuthError('AuthError', 'no credentials to authenticate');
  return undefined; // redirected: the response is written
}
