import { AuthError, DuplicateKeyError } from '../errors.js';
import type { IdentityRecord, UserRecord } from '../model/types.js';
import type { Store } from '../store/store.js';
import { assertLinkable } from './link-rules.js';
import { recordLogin } from './resolve-user.js';
import { derivedFields } from './sync-user.js';
import { newIdentityRecord, type VerifiedIdentity } from './verified-identity.js';

export interface LinkResult {
  user: UserRecord;
  identities: IdentityRecord[];
  identity: IdentityRecord;
  /** False when the identity already belonged to this user (a repeated link changes nothing). */
  linked: boolean;
}

const alreadyOwned = () => new AuthError('IdentityAlreadyExists', 'a user already exists with the specified provider');

/**
 * Adds a verified identity to the user `userId` (the holder of the access token): the link
 * path every provider ends in, OAuth callbacks included.
 *
 * The identity is inserted with this user's id under its unique (providerType, id) key, so of
 * concurrent links of one identity exactly one wins. An identity owned by another user is
 * a 409: never a merge of two users, never a move. The user's anonymous flag and merged
 * data are written only after the identity: a failure in between leaves an anonymous user
 * holding a permanent identity, which the sweep re-checks and the next login repairs.
 */
export async function linkIdentity(
  store: Store,
  userId: string,
  verified: VerifiedIdentity,
  now: Date,
): Promise<LinkResult> {
  const user = await store.getUser(userId);
  if (!user) throw new AuthError('InvalidSession', 'the user no longer exists');
  if (user.disabled) throw new AuthError('UserDisabled', 'user is disabled');
  await assertLinkable(verified, () => store.listIdentities(userId));
  if (verified.owner && verified.owner.userId !== userId) throw alreadyOwned();

  let identity = newIdentityRecord(verified, userId, now);
  let linked = true;
  try {
    await store.insertIdentity(identity);
  } catch (err) {
    if (!(err instanceof DuplicateKeyError)) throw err;
    const owner = await store.getIdentity(verified.providerType, verified.id);
    if (!owner) throw new AuthError('Conflict', 'the identity changed during the link; try again');
    if (owner.userId !== userId) throw alreadyOwned();
    linked = false;
    identity = await recordLogin(store, owner, verified, now);
  }

  // One listing serves the check below, the user's derived fields and the answer.
  const identities = await store.listIdentities(userId);
  if (linked && verified.providerType === 'local-userpass') await refuseSecondUserpass(store, identity, identities);
  const updated = await store.updateUser(userId, { lastAuthAt: now, ...derivedFields(identities) });
  if (!updated) {
    // The user was deleted meanwhile: take the identity back rather than leave it to an absent user.
    await store.deleteIdentity(identity.providerType, identity.id);
    throw new AuthError('InvalidSession', 'the user no longer exists');
  }
  return { user: updated, identities, identity, linked };
}

/**
 * Two links of different email/password identities can pass the rule check at once; after
 * inserting, each looks again and backs out if it is not alone. Both may back out; never both stay.
 */
async function refuseSecondUserpass(store: Store, identity: IdentityRecord, identities: IdentityRecord[]): Promise<void> {
  if (identities.filter((i) => i.providerType === 'local-userpass').length <= 1) return;
  await store.deleteIdentity(identity.providerType, identity.id);
  throw new AuthError('LinkNotAllowed', 'linking a local-userpass identity is not allowed when one is already linked');
}
