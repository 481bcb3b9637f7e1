import type { Request } from 'express';
import { randomSecret } from '../../tokens/secrets.js';
import type { OAuthTransaction, StateCookie } from './state-cookie.js';

/** What the login route hands the strategy (in `options.state`) for the transaction it starts. */
export type StartingTransaction = Pick<OAuthTransaction, 'redirect' | 'link' | 'nonce' | 'appServices'>;

type Callback = (err: unknown, ok?: unknown, state?: unknown) => void;

// The transaction a callback opened (checked before the strategy runs), for its request only.
const opened = new WeakMap<Request, OAuthTransaction>();

/** The transaction of a callback request, once the web flow has checked it. */
export function transactionOf(req: Request): OAuthTransaction | undefined {
  return opened.get(req);
}

export function setTransaction(req: Request, transaction: OAuthTransaction): void {
  opened.set(req, transaction);
}

/**
 * passport-oauth2's state store, without express-session: `store` seals the state, the PKCE
 * verifier passport-oauth2 drew, the nonce and where the login goes next into the state cookie;
 * `verify` hands back the verifier of the transaction the callback route already checked
 * (cookie, state, single use), so the strategy never judges state itself.
 */
export class CookieStateStore {
  constructor(
    private readonly cookie: StateCookie,
    private readonly provider: OAuthTransaction['provider'],
  ) {}

  store(req: Request, verifier: string | undefined, starting: StartingTransaction, _meta: unknown, done: Callback): void {
    const state = randomSecret();
    const transaction: OAuthTransaction = { provider: this.provider, state, verifier, ...starting };
    this.cookie.seal(req.res!, transaction).then(() => done(null, state), done);
  }

  verify(req: Request, _providedState: unknown, _meta: unknown, done: Callback): void {
    const transaction = opened.get(req);
    if (!transaction) return done(null, false, { message: 'the login state was not checked' });
    done(null, transaction.verifier ?? true);
  }
}
