import { AuthError } from '../../errors.js';
import type { UserpassRecord } from '../../model/types.js';
import { markConfirmed, release } from './credentials.js';
import type { UserpassDeps } from './deps.js';
import { decide, deliver, linkFor } from './hooks.js';

/**
 * Runs the configured confirmation for a pending credential: `auto` confirms it,
 * `email` mails a link, `function` asks the host (success confirms, pending waits
 * for `/confirm`, fail frees the email and answers 400 as App Services does).
 *
 * The mail is prepared after the response: a request about a pending address then
 * takes as long as one about a taken or unknown address, which sends nothing.
 */
export async function startConfirmation(deps: UserpassDeps, record: UserpassRecord): Promise<void> {
  const { confirmation } = deps.options;
  const { logger } = deps.ctx;
  switch (confirmation.mode) {
    case 'auto':
      return markConfirmed(deps, record);
    case 'email':
      return deps.ctx.afterResponse('local-userpass confirmation mail', () => mailConfirmation(deps, record));
    case 'function': {
      const issued = await deps.tokens.issue('confirm', record, confirmation.tokenTtl);
      const request = { email: record.email, username: record.email, ...issued };
      const status = await decide(logger, 'confirmation', () => confirmation.run(request));
      if (status === 'success') return markConfirmed(deps, record);
      if (status === 'pending') return;
      await release(deps, record);
      throw new AuthError('BadRequest', `failed to confirm user "${record.email}"`);
    }
  }
}

/** Issues a confirmation token for a pending credential and hands its link to the mail hook (email mode). */
export async function mailConfirmation(deps: UserpassDeps, record: UserpassRecord): Promise<void> {
  const { confirmation } = deps.options;
  if (confirmation.mode !== 'email') return;
  const issued = await deps.tokens.issue('confirm', record, confirmation.tokenTtl);
  const mail = { email: record.email, ...issued, url: linkFor(confirmation.url, issued) };
  deliver(deps.ctx.logger, 'confirmation send', () => confirmation.send(mail));
}
