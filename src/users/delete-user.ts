import type { IdentityRecord } from '../model/types.js';
import type { Store } from '../store/store.js';
import type { Sessions } from '../tokens/sessions.js';

/**
 * Removes a user and everything that belongs to it. Sessions go first (access ends at
 * once), the user document last: a crash midway leaves a user that can still be
 * deleted again, never identities that a later login would turn back into an account.
 */
export async function deleteUser(
  store: Store,
  sessions: Sessions,
  forget: (identity: IdentityRecord) => Promise<void>,
  userId: string,
): Promise<boolean> {
  const user = await store.getUser(userId);
  if (!user) return false;
  await sessions.revokeAllOfUser(userId);
  await store.deleteApiKeysOfUser(userId);
  for (const identity of await store.listIdentities(userId)) await forget(identity);
  await store.deleteIdentitiesOfUser(userId);
  // A login that raced the deletion may have opened a session meanwhile.
  await sessions.revokeAllOfUser(userId);
  return store.deleteUser(userId);
}
