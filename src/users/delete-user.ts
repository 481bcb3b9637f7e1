import { runHook } from '../identity/hooks.js';
import type { IdentityRecord } from '../model/types.js';
import type { AuthHooks, Logger } from '../options.js';
import type { Store } from '../store/store.js';

export interface DeleteUserDeps {
  store: Store;
  /** Ends every session of a user (and forgets its cached session checks). */
  revokeSessions: (userId: string) => Promise<number>;
  /** Removes a provider's own records (credentials, keys, their pending tokens) of an identity. */
  forget: (identity: IdentityRecord) => Promise<void>;
  hooks: AuthHooks;
  logger: Logger;
}

/**
 * Removes a user and everything that belongs to it: sessions, API keys, the providers'
 * credentials, identities, pending one-time tokens, then the user. Sessions go first (access
 * ends at once), the user document last: a failure midway leaves a user that can be deleted
 * again, never identities that a later login would turn back into an account.
 */
export async function deleteUser(deps: DeleteUserDeps, userId: string): Promise<boolean> {
  const { store } = deps;
  const user = await store.getUser(userId);
  if (!user) return false;
  await deps.revokeSessions(userId);
  await store.deleteApiKeysOfUser(userId);
  const identities = await store.listIdentities(userId);
  for (const identity of identities) await deps.forget(identity);
  await store.deleteIdentitiesOfUser(userId);
  await store.deleteTokensOfSubject(userId);
  // A login that raced the deletion may have opened a session meanwhile.
  await deps.revokeSessions(userId);
  if (!(await store.deleteUser(userId))) return false;
  deps.logger.info('express-auth-providers: user deleted', { userId, identities: identities.length });
  await runHook(deps.hooks, 'onUserDeleted', { user, identities }, deps.logger);
  return true;
}
