import { AuthError, DuplicateKeyError } from '../errors.js';
import { newId } from '../model/ids.js';
import { mergeIdentityData } from '../model/metadata.js';
import type { IdentityRecord, UserRecord } from '../model/types.js';
import type { Store } from '../store/store.js';
import { emailLinkTarget, type EmailLinkPolicy } from './email-link.js';
import { syncUser } from './sync-user.js';
import { identityEmail, newIdentityRecord, type VerifiedIdentity } from './verified-identity.js';

export interface ResolvedUser {
  user: UserRecord;
  /** The user's identities, when the login had to list them (see below). */
  identities?: IdentityRecord[] | undefined;
  /** The identity this login used. */
  identity: IdentityRecord;
  /** True when this login created the user. */
  created: boolean;
  /** True when this first login joined an existing user by verified email. */
  linkedByEmail: boolean;
}

/**
 * Find-or-create the user of a verified identity: the one path every login ends in.
 *
 * Without transactions, the order of writes is what keeps a crash harmless: the identity
 * is inserted first under its unique (providerType, id) key, which also decides races,
 * then the user. An identity whose user is missing (a crash between the two) gets its
 * user created by the next login.
 *
 * With an email-link policy, a first login whose provider verified its email may join the
 * existing user holding the same verified email instead (see email-link.ts).
 */
export async function resolveUser(
  store: Store,
  verified: VerifiedIdentity,
  now: Date,
  emailLink?: EmailLinkPolicy,
): Promise<ResolvedUser> {
  let identity = await store.getIdentity(verified.providerType, verified.id);
  let inserted = false;
  let linkedByEmail = false;
  if (!identity) {
    const target = emailLink ? await emailLinkTarget(store, emailLink, verified) : undefined;
    const fresh = newIdentityRecord(verified, target ?? newId(now), now);
    try {
      await store.insertIdentity(fresh);
      identity = fresh;
      inserted = true;
      linkedByEmail = target !== undefined;
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
      // A concurrent login of the same identity won; log in to its user.
      identity = await store.getIdentity(verified.providerType, verified.id);
      if (!identity) throw err;
    }
  }

  let created = false;
  let user = await store.getUser(identity.userId);
  if (!user) ({ user, created } = await createUser(store, identity, verified, now));
  if (user.disabled) throw new AuthError('UserDisabled', 'user is disabled');

  const before = identity;
  if (!inserted) identity = await recordLogin(store, identity, verified, now);

  // The usual login of a known identity reads and writes by key only: the user's data takes
  // this identity's fields (it is the most recent login), and nothing else changed. A field
  // the identity no longer has, a user that does not list this provider yet, or an anonymous
  // flag left by an interrupted link: the user is recomputed from all its identities.
  const current =
    !inserted &&
    !created &&
    user.providers?.includes(identity.providerType) &&
    !(user.anonymous && identity.providerType !== 'anon-user') &&
    Object.keys(before.data).every((field) => field in identity.data);
  if (current) {
    const updated = await store.updateUser(user.id, {
      lastAuthAt: now,
      ...(verified.data !== undefined ? { data: mergeIdentityData([{ data: user.data, lastLoginAt: new Date(0) }, identity]) } : {}),
    });
    if (!updated) throw new AuthError('InvalidSession', 'the user was deleted during login');
    return { user: updated, identity, created, linkedByEmail };
  }
  const synced = await syncUser(store, user.id, { lastAuthAt: now });
  if (!synced.user) throw new AuthError('InvalidSession', 'the user was deleted during login');
  return { user: synced.user, identities: synced.identities, identity, created, linkedByEmail };
}

/** Stores what a login of an existing identity brings: its time, and the provider's current data and email. */
export async function recordLogin(store: Store, identity: IdentityRecord, verified: VerifiedIdentity, now: Date) {
  const updated = await store.updateIdentity(identity.providerType, identity.id, {
    lastLoginAt: now,
    ...(verified.data !== undefined ? { data: verified.data } : {}),
    ...identityEmail(verified),
  });
  return updated ?? identity;
}

async function createUser(store: Store, identity: IdentityRecord, verified: VerifiedIdentity, now: Date) {
  const user: UserRecord = {
    id: identity.userId,
    type: verified.userType ?? 'normal',
    data: identity.data,
    anonymous: identity.providerType === 'anon-user',
    providers: [identity.providerType],
    disabled: false,
    createdAt: now,
    lastAuthAt: now,
  };
  try {
    await store.insertUser(user);
    return { user, created: true };
  } catch (err) {
    if (!(err instanceof DuplicateKeyError)) throw err;
    const existing = await store.getUser(identity.userId);
    if (!existing) throw err;
    return { user: existing, created: false };
  }
}
