import type { Router } from 'express';
import { z } from 'zod';
import { AuthError, DuplicateKeyError } from '../../errors.js';
import { newId } from '../../model/ids.js';
import type { UserpassRecord } from '../../model/types.js';
import { parseBody } from '../../util/parse-input.js';
import { startConfirmation } from './confirmation.js';
import type { UserpassDeps } from './deps.js';
import { emailField } from './email.js';
import { deliver } from './hooks.js';
import type { UserpassLimits } from './limits.js';
import { acceptNewPassword } from './password-policy.js';

// Only these two fields are read; anything else in the body (`confirmed`, `_id`…) is dropped.
const registerBody = z.object({ email: emailField, password: z.string() });

/**
 * `POST /register { email, password }` → 201.
 *
 * The credential record is inserted first: its unique email decides concurrent
 * registrations, and the identity and user are made by the first login (resolveUser),
 * so a crash after the insert leaves a record that logs in (or confirms) normally.
 */
export function registerRoute(router: Router, deps: UserpassDeps, limits: UserpassLimits): void {
  router.post('/register', ...limits.register, async (req, res) => {
    const { email, password } = parseBody(registerBody, req);
    await register(deps, email, password);
    res.status(201).end();
  });
}

async function register(deps: UserpassDeps, email: string, rawPassword: string): Promise<void> {
  const password = await acceptNewPassword(rawPassword, email, deps.options.password);
  const now = deps.ctx.now();
  // Hashed before the email is looked at, so a taken address costs the same time as a new one.
  const record: UserpassRecord = {
    email,
    identityId: newId(now),
    passwordHash: await deps.hasher.hash(password),
    status: deps.options.confirmation.mode === 'auto' ? 'confirmed' : 'pending',
    createdAt: now,
    updatedAt: now,
  };
  try {
    await deps.ctx.store.insertUserpass(record);
  } catch (err) {
    if (!(err instanceof DuplicateKeyError)) throw err;
    return addressTaken(deps, email);
  }
  if (record.status === 'pending') await startConfirmation(deps, record);
}

/**
 * In `email` mode a taken address answers like a new one and its owner is told by
 * mail (if the host gave an `onExistingAccount` hook); the existing credential is left
 * untouched, pending or not: its owner proves the mailbox through a reset. Other modes
 * say so plainly, as App Services does.
 */
function addressTaken(deps: UserpassDeps, email: string): void {
  const { confirmation } = deps.options;
  if (confirmation.mode !== 'email') throw new AuthError('AccountNameInUse', 'name already in use');
  const notify = confirmation.onExistingAccount;
  if (notify) deliver(deps.ctx.logger, 'onExistingAccount', () => notify({ email }));
}
