import type { Router } from 'express';
import { z } from 'zod';
import { AuthError } from '../../errors.js';
import { parseBody } from '../../util/parse-input.js';
import { replacePassword } from './credentials.js';
import type { UserpassDeps } from './deps.js';
import { emailField } from './email.js';
import { decide, deliver, linkFor } from './hooks.js';
import type { UserpassLimits } from './limits.js';
import { invalidToken, tokenFields } from './one-time-tokens.js';
import { acceptNewPassword, checkLength, checkNotCommon, checkNotFromEmail, normalisePassword } from './password-policy.js';

const emailBody = z.object({ email: emailField });
const resetBody = z.object({ ...tokenFields, password: z.string() });
const callBody = z.object({ email: emailField, password: z.string(), arguments: z.array(z.unknown()).default([]) });

const notEnabled = (what: string) => new AuthError('BadRequest', `${what} is not enabled`);

/** `reset/send`, `reset` and `reset/call`. */
export function resetRoutes(router: Router, deps: UserpassDeps, limits: UserpassLimits): void {
  const { store, logger } = deps.ctx;
  const policy = deps.options.password;

  // Mails a reset link to a known address; 204 whatever the address (no enumeration). Whether
  // the address is known is looked up after the response, so its timing cannot tell either.
  router.post('/reset/send', ...limits.send, async (req, res) => {
    const { email } = parseBody(emailBody, req);
    const reset = deps.options.reset;
    if (reset?.mode !== 'email') throw notEnabled('password reset by email');
    deps.ctx.afterResponse('local-userpass reset mail', async () => {
      const record = await store.getUserpass(email);
      if (!record) return;
      const issued = await deps.tokens.issue('reset', record, reset.tokenTtl);
      const mail = { email, ...issued, url: linkFor(reset.url, issued) };
      deliver(logger, 'reset send', () => reset.send(mail));
    });
    res.status(204).end();
  });

  // Sets the password a token was issued for; ends every session of the user.
  router.post('/reset', ...limits.token, async (req, res) => {
    const { token, tokenId, password: raw } = parseBody(resetBody, req);
    const reset = deps.options.reset;
    if (!reset) throw notEnabled('password reset');
    // Every rule that needs no account is checked before the single-use token is spent.
    const password = normalisePassword(raw);
    checkLength(password, policy);
    await checkNotCommon(password, policy);
    const redeemed = await deps.tokens.redeem('reset', token, tokenId);
    const record = await store.getUserpass(redeemed.email);
    if (!record || record.identityId !== redeemed.identityId) throw invalidToken();
    try {
      checkNotFromEmail(password, record.email);
    } catch (err) {
      await deps.tokens.restore(redeemed);
      throw err;
    }
    await replacePassword(deps, record, await deps.hasher.hash(password), { confirm: reset.mode === 'email' });
    res.status(204).end();
  });

  /**
   * Asks the host's reset function (App Services' `callResetPasswordFunction`): success
   * sets the password now, pending leaves a token for `/reset`, fail refuses. Like
   * `confirm/call` in function mode it says when the address is unknown (404).
   */
  router.post('/reset/call', ...limits.send, async (req, res) => {
    const { email, password: raw, arguments: args } = parseBody(callBody, req);
    const reset = deps.options.reset;
    if (reset?.mode !== 'function') throw notEnabled('password reset by function');
    const record = await store.getUserpass(email);
    if (!record) throw new AuthError('UserNotFound', 'user not found');
    const password = await acceptNewPassword(raw, email, policy);
    const currentPasswordValid = await deps.hasher.verify(record.passwordHash, password);
    const issued = await deps.tokens.issue('reset', record, reset.tokenTtl);
    const request = { email, username: email, password, currentPasswordValid, ...issued };
    const status = await decide(logger, 'reset', () => reset.run(request, ...args));
    if (status === 'fail') {
      await deps.tokens.discard('reset', issued);
      throw new AuthError('BadRequest', `failed to reset password for user "${email}"`);
    }
    if (status === 'success') await replacePassword(deps, record, await deps.hasher.hash(password), { confirm: false });
    res.status(204).end();
  });
}
