import { AuthError, DuplicateKeyError } from '../errors.js';
import { newId } from '../model/ids.js';
import { mergeIdentityData } from '../model/metadata.js';
import type { IdentityRecord, UserRecord } from '../model/types.js';
import type { Store } from '../store/store.js';
import type { VerifiedIdentity } from './verified-identity.js';

export interface ResolvedUser {
  user: UserRecord;
  identities: IdentityRecord[];
  /** True when this login created the user. */
  created: boolean;
}

/**
 * Find-or-create the user of a verified identity: the one path every login ends in.
 *
 * Without transactions, the order of writes is what keeps a crash harmless: the identity
 * is inserted first under its unique (providerType, id) key, which also decides races,
 * then the user. An identity whose user is missing (a crash between the two) gets its
 * user created by the next login.
 */
export async function resolveUser(store: Store, verified: VerifiedIdentity, now: Date): Promise<ResolvedUser> {
  let identity = await store.getIdentity(verified.providerType, verified.id);
  let created = false;
  if (!identity) {
    const fresh: IdentityRecord = {
      id: verified.id,
      providerType: verified.providerType,
      userId: newId(now),
      data: verified.data ?? {},
      createdAt: now,
      lastLoginAt: now,
    };
    try {
      await store.insertIdentity(fresh);
      identity = fresh;
      created = true;
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
      // A concurrent login of the same identity won; log in to its user.
      identity = await store.getIdentity(verified.providerType, verified.id);
      if (!identity) throw err;
    }
  }

  const user = (await store.getUser(identity.userId)) ?? (await createUser(store, identity, verified, now));
  if (user.disabled) throw new AuthError('UserDisabled', 'user is disabled');

  if (!created) {
    identity =
      (await store.updateIdentity(identity.providerType, identity.id, {
        lastLoginAt: now,
        ...(verified.data !== undefined ? { data: verified.data } : {}),
      })) ?? identity;
  }
  const identities = await store.listIdentities(user.id);
  const updated = await store.updateUser(user.id, { data: mergeIdentityData(identities), lastAuthAt: now });
  if (!updated) throw new AuthError('InvalidSession', 'the user was deleted during login');
  return { user: updated, identities, created };
}

async function createUser(store: Store, identity: IdentityRecord, verified: VerifiedIdentity, now: Date) {
  const user: UserRecord = {
    id: identity.userId,
    type: verified.userType ?? 'normal',
    data: identity.data,
    anonymous: identity.providerType === 'anon-user',
    disabled: false,
    createdAt: now,
    lastAuthAt: now,
  };
  try {
    await store.insertUser(user);
    return user;
  } catch (err) {
    if (!(err instanceof DuplicateKeyError)) throw err;
    const existing = await store.getUser(identity.userId);
    if (!existing) throw err;
    return existing;
  }
}
