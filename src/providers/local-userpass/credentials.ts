import type { UserpassRecord } from '../../model/types.js';
import type { UserpassDeps } from './deps.js';
import { normaliseEmail } from './email.js';

/**
 * Writes to a credential record. Each step is one atomic write, ordered so that a
 * crash between steps leaves nothing a later request trips over.
 */

/** Confirms a pending credential and voids its other confirmation links. */
export async function markConfirmed(deps: UserpassDeps, record: UserpassRecord): Promise<void> {
  const { store, now } = deps.ctx;
  await store.updateUserpass(record.email, { status: 'confirmed', updatedAt: now() }, 'pending');
  await deps.tokens.revokeAll(record.email, 'confirm');
}

/** Frees the email of a pending credential the host's function refused. */
export async function release(deps: UserpassDeps, record: UserpassRecord): Promise<void> {
  await deps.ctx.store.deleteUserpass(record.email, 'pending');
  await deps.tokens.revokeAll(record.email, 'confirm');
}

/**
 * Sets a new password hash (a reset), then voids the other reset links, deletes the user's
 * API keys (unless `reset.revokeApiKeys` is false) and ends every session of the user:
 * whoever held the old password keeps nothing. A reset proven through a mailed link also
 * confirms a pending credential (the mailbox is the proof).
 */
export async function replacePassword(
  deps: UserpassDeps,
  record: UserpassRecord,
  passwordHash: string,
  opts: { confirm: boolean },
): Promise<void> {
  const { store, now } = deps.ctx;
  await store.updateUserpass(record.email, {
    passwordHash,
    updatedAt: now(),
    ...(opts.confirm && { status: 'confirmed' as const }),
  });
  await deps.tokens.revokeAll(record.email, 'reset');
  if (opts.confirm && record.status === 'pending') await deps.tokens.revokeAll(record.email, 'confirm');
  const identity = await store.getIdentity('local-userpass', record.identityId);
  if (!identity) return;
  // Sessions first: should deleting the keys fail midway, whoever held the old password is out already.
  await deps.ctx.revokeSessions(identity.userId);
  if (deps.options.reset?.revokeApiKeys !== false) await deps.ctx.revokeIssuedCredentials(identity.userId);
}

/** Removes the credential of an unlinked or deleted identity: the record first (it is what logs in), then its tokens. */
export async function forgetCredential(deps: UserpassDeps, identityId: string): Promise<void> {
  const record = await deps.ctx.store.getUserpassByIdentity(identityId);
  if (!record) return;
  await deps.ctx.store.deleteUserpass(record.email);
  await deps.ctx.store.deleteTokensOfSubject(record.email);
}

/**
 * Drops a pending (never confirmed) registration of an address whose owner has just proven it
 * through another provider (`linkByVerifiedEmail`), with its links: whoever registered it
 * without the mailbox can then never confirm it, and its password never logs in.
 */
export async function revokePending(deps: UserpassDeps, address: string): Promise<void> {
  const email = normaliseEmail(address);
  if (!(await deps.ctx.store.deleteUserpass(email, 'pending'))) return;
  await deps.ctx.store.deleteTokensOfSubject(email);
  deps.ctx.logger.info('express-auth-providers: removed a pending registration of a verified address');
}
