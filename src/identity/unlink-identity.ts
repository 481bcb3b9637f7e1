import { AuthError } from '../errors.js';
import type { IdentityRecord, ProviderType, UserRecord } from '../model/types.js';
import type { Store } from '../store/store.js';
import { syncUser } from './sync-user.js';
import { withUserLock } from './user-lock.js';

/**
 * Removes one identity of a user, never its last one. Under a per-user lock, so two concurrent
 * unlinks of a user's last two identities cannot both pass the count.
 *
 * The provider's own records (password, key) go before the identity: a failure in between
 * leaves an identity nobody can log in with, which the next unlink removes, rather than a
 * credential whose next login would create a new user.
 */
export async function unlinkIdentity(
  store: Store,
  forget: (identity: IdentityRecord) => Promise<void>,
  userId: string,
  providerType: ProviderType,
  id: string,
  now: Date,
): Promise<{ user: UserRecord; identities: IdentityRecord[]; identity: IdentityRecord }> {
  return withUserLock(store, 'identities', userId, now, async () => {
    const identity = await store.getIdentity(providerType, id);
    if (!identity || identity.userId !== userId) throw new AuthError('NotFound', 'identity not found');
    if ((await store.listIdentities(userId)).length <= 1) {
      throw new AuthError('LastIdentity', 'the last identity of a user cannot be removed');
    }
    await forget(identity);
    await store.deleteIdentity(providerType, id);
    const synced = await syncUser(store, userId);
    if (!synced.user) throw new AuthError('InvalidSession', 'the user no longer exists');
    return { user: synced.user, identities: synced.identities, identity };
  });
}
