import { AuthError, DuplicateKeyError } from '../errors.js';
import { newId } from '../model/ids.js';
import type { IdentityRecord, UserRecord } from '../model/types.js';
import type { IdentityPatch, Store } from '../store/store.js';
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
 * The login of a known identity is two writes by key, each returning what it changed: the
 * identity's login (which tells whether it is known), then its user's (which tells whether
 * the user is enabled and needs nothing recomputed). Only when either says otherwise is
 * anything read.
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
  const patch = loginPatch(verified, now);
  const record = () => store.updateIdentity(verified.providerType, verified.id, patch, 'before');
  let before = await record();
  const owner = verified.owner;
  if (owner && before?.userId !== owner.userId) {
    // Missing (a crash left the credential without it) or not the owner's: the provider restores it, or refuses.
    await owner.restore();
    before = await record();
    if (before?.userId !== owner.userId) throw new AuthError('Conflict', 'the identity changed during the login; try again');
  }
  if (before) return loginKnown(store, verified, before, patch, now);

  const target = emailLink ? await emailLinkTarget(store, emailLink, verified) : undefined;
  const fresh = newIdentityRecord(verified, target ?? newId(now), now);
  try {
    await store.insertIdentity(fresh);
  } catch (err) {
    if (!(err instanceof DuplicateKeyError)) throw err;
    // A concurrent login of the same identity won; log in to its user.
    const won = await record();
    if (!won) throw err;
    return loginKnown(store, verified, won, patch, now);
  }
  if (target !== undefined) return recompute(store, fresh, verified, now, { linkedByEmail: true });
  // A new user whose only identity is this one: its record is complete as created.
  const { user, created } = await createUser(store, fresh, verified, now);
  if (!created) return recompute(store, fresh, verified, now, {});
  return { user, identities: [fresh], identity: fresh, created, linkedByEmail: false };
}

/** What a login of an existing identity stores on it: its time, and the provider's current data and email. */
function loginPatch(verified: VerifiedIdentity, now: Date): IdentityPatch {
  return { lastLoginAt: now, ...(verified.data !== undefined ? { data: verified.data } : {}), ...identityEmail(verified) };
}

/** Stores what a login of an existing identity brings; the identity as updated (as it was, should it be gone). */
export async function recordLogin(store: Store, identity: IdentityRecord, verified: VerifiedIdentity, now: Date) {
  const updated = await store.updateIdentity(identity.providerType, identity.id, loginPatch(verified, now));
  return updated ?? identity;
}

/**
 * The user of a known identity, whose login `patch` is stored already. The usual login writes
 * by key only: the user's data takes this identity's fields (it is the most recent login), and
 * nothing else changed. A field the identity no longer has, a user that does not list this
 * provider yet, an anonymous flag left by an interrupted link, a disabled or a missing user:
 * the user is read and recomputed.
 */
async function loginKnown(store: Store, verified: VerifiedIdentity, before: IdentityRecord, patch: IdentityPatch, now: Date) {
  const identity = { ...before, ...patch };
  if (Object.keys(before.data).every((field) => field in identity.data)) {
    const user = await store.recordUserLogin(identity.userId, {
      providerType: identity.providerType,
      lastAuthAt: now,
      data: verified.data,
      notAnonymous: identity.providerType !== 'anon-user',
    });
    if (user) return { user, identity, created: false, linkedByEmail: false };
  }
  return recompute(store, identity, verified, now, { before });
}

/**
 * The user recomputed from all its identities; created first if a crash left the identity
 * without it. A disabled user's login is refused, and the identity it recorded is put back
 * (`before`): a refused login changes nothing.
 */
async function recompute(
  store: Store,
  identity: IdentityRecord,
  verified: VerifiedIdentity,
  now: Date,
  { before, linkedByEmail = false }: { before?: IdentityRecord; linkedByEmail?: boolean },
) {
  let created = false;
  let user = await store.getUser(identity.userId);
  if (!user) ({ user, created } = await createUser(store, identity, verified, now));
  if (user.disabled) {
    if (before) {
      const { data, email, lastLoginAt } = before;
      await store.updateIdentity(before.providerType, before.id, { data, email, lastLoginAt });
    }
    throw new AuthError('UserDisabled', 'user is disabled');
  }
  const synced = await syncUser(store, user.id, { lastAuthAt: now });
  if (!synced.user) throw new AuthError('InvalidSession', 'the user was deleted during login');
  return { user: synced.user, identities: synced.identities, identity, created, linkedByEmail };
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
