import type { IdentityRecord, UserRecord } from '../model/types.js';

/** A user as `GET /profile` shows it (App Services' shape, snake_case). */
export function profileOf(user: UserRecord, identities: IdentityRecord[]) {
  return {
    user_id: user.id,
    type: user.type,
    identities: identities.map((i) => ({
      id: i.id,
      provider_type: i.providerType,
      provider_id: i.providerType,
      data: i.data,
    })),
    data: user.data,
    ...(user.customData !== undefined ? { custom_data: user.customData } : {}),
    created_at: user.createdAt.toISOString(),
    last_auth_at: user.lastAuthAt.toISOString(),
  };
}
