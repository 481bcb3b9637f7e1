import { mergeIdentityData } from '../model/metadata.js';
import type { IdentityRecord, UserRecord } from '../model/types.js';
import type { Store, UserPatch } from '../store/store.js';
import { onlyAnonymous, providerTypesOf } from '../model/held-providers.js';

/**
 * Recomputes what a user derives from its identities after they changed (`derivedFields`).
 * Null when the user is gone.
 */
export async function syncUser(
  store: Store,
  userId: string,
  patch: UserPatch = {},
): Promise<{ user: UserRecord | null; identities: IdentityRecord[] }> {
  const identities = await store.listIdentities(userId);
  const user = await store.updateUser(userId, { ...patch, ...derivedFields(identities) });
  return { user, identities };
}

/** What a user derives from its identities: the merged `data` (the most recent login winning per field), whether it is anonymous, its provider types. */
export function derivedFields(identities: IdentityRecord[]): UserPatch {
  return {
    data: mergeIdentityData(identities),
    ...(identities.length > 0 ? { anonymous: onlyAnonymous(identities), providers: providerTypesOf(identities) } : {}),
  };
}
