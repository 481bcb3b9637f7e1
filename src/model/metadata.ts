import type { IdentityRecord, Metadata } from './types.js';

/**
 * The user's `data`: its identities' data merged, the most recent login winning per field.
 */
export function mergeIdentityData(identities: Pick<IdentityRecord, 'data' | 'lastLoginAt'>[]): Metadata {
  const ordered = [...identities].sort((a, b) => a.lastLoginAt.getTime() - b.lastLoginAt.getTime());
  const merged: Metadata = {};
  for (const identity of ordered) {
    for (const [field, value] of Object.entries(identity.data)) {
      if (value !== undefined) merged[field] = value;
    }
  }
  return merged;
}
