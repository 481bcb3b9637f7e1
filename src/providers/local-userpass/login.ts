import { AuthError } from '../../errors.js';
import type { VerifiedIdentity } from '../../identity/verified-identity.js';
import type { UserpassDeps } from './deps.js';
import { normaliseEmail } from './email.js';
import { checkLength, normalisePassword } from './password-policy.js';

const invalidPassword = () => new AuthError('InvalidPassword', 'invalid username/password');

/**
 * Checks an email and password; yields the identity of the credential.
 *
 * An unknown email and a wrong password fail alike (same status, body, and one
 * argon2id verification each). A pending credential fails only after its password
 * was checked, so `UserPending` tells nothing to someone without the password.
 */
export async function verifyLogin(deps: UserpassDeps, username: string, rawPassword: string): Promise<VerifiedIdentity> {
  const { store, logger, now } = deps.ctx;
  const email = normaliseEmail(username);
  const password = normalisePassword(rawPassword);
  checkLength(password, { ...deps.options.password, minLength: 1 });
  const record = await store.getUserpass(email);
  const valid = await deps.hasher.verify(record?.passwordHash, password);
  if (!record || !valid) throw invalidPassword();
  if (record.status === 'pending') throw new AuthError('UserPending', 'confirmation required');

  if (deps.hasher.outdated(record.passwordHash)) {
    // Best effort: a failed rehash must not fail a correct login; the next one retries.
    try {
      await store.replacePasswordHash(email, record.passwordHash, await deps.hasher.hash(password), now());
    } catch (err) {
      logger.warn('express-auth-providers: local-userpass rehash failed', { error: (err as Error).message });
    }
  }
  return {
    providerType: 'local-userpass',
    id: record.identityId,
    data: { email },
    // Confirmed proves the mailbox, except in `auto` mode, where nothing ever did.
    email: { address: email, verified: deps.options.confirmation.mode !== 'auto' },
  };
}
