import type { Router } from 'express';
import { z } from 'zod';
import { AuthError } from '../../errors.js';
import { parseBody } from '../../util/parse-input.js';
import { mailConfirmation, startConfirmation } from './confirmation.js';
import { markConfirmed } from './credentials.js';
import type { UserpassDeps } from './deps.js';
import { emailField } from './email.js';
import type { UserpassLimits } from './limits.js';
import { invalidToken, tokenFields } from './one-time-tokens.js';

const tokenBody = z.object(tokenFields);
const emailBody = z.object({ email: emailField });

/** `confirm`, `confirm/send` and `confirm/call`. */
export function confirmRoutes(router: Router, deps: UserpassDeps, limits: UserpassLimits): void {
  const { store } = deps.ctx;

  // Confirms the credential a mailed (or host-delivered) token was issued for.
  router.post('/confirm', ...limits.token, async (req, res) => {
    const { token, tokenId } = parseBody(tokenBody, req);
    const redeemed = await deps.tokens.redeem('confirm', token, tokenId);
    const record = await store.getUserpass(redeemed.email);
    if (!record || record.identityId !== redeemed.identityId) throw invalidToken();
    if (record.status === 'pending') await markConfirmed(deps, record);
    res.status(204).end();
  });

  // Mails a new link to a pending address; 204 whatever the address (no enumeration).
  router.post('/confirm/send', ...limits.send, async (req, res) => {
    const { email } = parseBody(emailBody, req);
    if (deps.options.confirmation.mode !== 'email') {
      throw new AuthError('BadRequest', 'confirmation emails are not enabled');
    }
    mailIfPending(email);
    res.status(204).end();
  });

  /**
   * Runs the confirmation again. With a host function (or `auto`) it answers as App
   * Services does, 404 `UserNotFound` / 400 `UserAlreadyConfirmed`: those modes already
   * tell a taken address at registration. In `email` mode, where registration does
   * not, it answers 204 whatever the address, like `confirm/send`.
   */
  router.post('/confirm/call', ...limits.send, async (req, res) => {
    const { email } = parseBody(emailBody, req);
    if (deps.options.confirmation.mode === 'email') {
      mailIfPending(email);
      return void res.status(204).end();
    }
    const record = await store.getUserpass(email);
    if (!record) throw new AuthError('UserNotFound', 'user not found');
    if (record.status === 'confirmed') throw new AuthError('UserAlreadyConfirmed', 'already confirmed');
    await startConfirmation(deps, record);
    res.status(204).end();
  });

  /** Mails a new link if the address is pending; looked up after the response, so its timing cannot tell. */
  function mailIfPending(email: string): void {
    deps.ctx.afterResponse('local-userpass confirmation mail', async () => {
      const record = await store.getUserpass(email);
      if (record?.status === 'pending') await mailConfirmation(deps, record);
    });
  }
}
