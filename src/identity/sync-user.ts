import { mergeIdentityData } from '../model/metadata.js';
import type { IdentityRecord, UserRecord } from '../model/types.js';
import type { Store, UserPatch } from '../store/store.js';
import { onlyAnonymous, providerTypesOf } from '../model/held-providers.js';

/**
 * Recomputes what a user derives from its identities after they changed: the merged `data`
 * (the most recent login winning per field), whether it is anonymous, and its provider types.
 * Null when the user is gone.
 */
export async function syncUser(
  store: Store,
  userId: string,
  patch: UserPatch = {},
): Promise<{ user: UserRecord | null; identities: IdentityRecord[] }> {
  const identities = await store.listIdentities(userId);
  const user = await store.updateUser(userId, {
    ...patch,
    data: mergeIdentityData(identities),
    ...(identities.length > 0
      ? { anonymous: onlyAnonymous(identities), providers: providerTypesOf(identities) }
      : {}),
  });
  return { user, identities };
}
