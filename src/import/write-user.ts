import { DuplicateKeyError } from '../errors.js';
import type { IdentityRecord, UserpassRecord } from '../model/types.js';
import type { Store } from '../store/store.js';
import { UnimportableUser, type PlannedUser } from './app-services-user.js';

/** `imported`: something was written (a new user, or one an interrupted run left part-written); `unchanged`: all of it was there. */
export type WriteOutcome = 'imported' | 'unchanged';

const identityName = (i: Pick<IdentityRecord, 'providerType' | 'id'>) => `${i.providerType} identity ${JSON.stringify(i.id)}`;

/**
 * Writes one planned user, idempotently: a record already stored for this user is left as it
 * is, so a second run changes nothing and a run cut short is completed by the next.
 *
 * Conflicts (an identity or an email that another user holds) are looked for first, so a
 * refused user writes nothing. Then the user goes first: it carries `disabled`, so a login
 * racing the import never meets an identity without its (possibly disabled) user. Then its
 * identities under their unique keys, then the email/password credentials. If a unique key
 * is taken meanwhile by someone else, what this call wrote is removed again.
 */
export async function writeUser(store: Store, planned: PlannedUser): Promise<WriteOutcome> {
  const { user, identities, credentials } = planned;
  const conflict = (reason: string) => new UnimportableUser(reason, user.id);
  const [existingUser, owners, holders] = await Promise.all([
    store.getUser(user.id),
    Promise.all(identities.map((i) => store.getIdentity(i.providerType, i.id))),
    Promise.all(credentials.map((c) => store.getUserpass(c.email))),
  ]);
  owners.forEach((owner, i) => {
    if (owner && owner.userId !== user.id) throw conflict(`the ${identityName(identities[i]!)} belongs to another user (${owner.userId})`);
  });
  holders.forEach((holder, i) => {
    if (holder && holder.identityId !== credentials[i]!.identityId) throw conflict(`the email ${credentials[i]!.email} is registered by another account`);
  });
  if (existingUser && owners.every(Boolean) && holders.every(Boolean)) return 'unchanged';

  const written: (() => Promise<unknown>)[] = [];
  try {
    if (!existingUser && (await inserted(() => store.insertUser(user)))) written.push(() => store.deleteUser(user.id));
    for (const [i, identity] of identities.entries()) {
      if (owners[i]) continue;
      if (await inserted(() => store.insertIdentity(identity))) {
        written.push(() => store.deleteIdentity(identity.providerType, identity.id));
      } else if ((await store.getIdentity(identity.providerType, identity.id))?.userId !== user.id) {
        throw conflict(`the ${identityName(identity)} was taken by another user during the import`);
      }
    }
    for (const [i, credential] of credentials.entries()) {
      if (holders[i]) continue;
      if (await inserted(() => store.insertUserpass(credential))) {
        written.push(() => store.deleteUserpass(credential.email));
      } else if (!(await sameCredential(store, credential))) {
        throw conflict(`the email ${credential.email} was registered by another account during the import`);
      }
    }
  } catch (err) {
    for (const undo of written.reverse()) await undo().catch(() => undefined);
    throw err;
  }
  return 'imported';
}

/** Runs an insert; false when its unique key was already taken. */
async function inserted(insert: () => Promise<void>): Promise<boolean> {
  try {
    await insert();
    return true;
  } catch (err) {
    if (err instanceof DuplicateKeyError) return false;
    throw err;
  }
}

async function sameCredential(store: Store, credential: UserpassRecord): Promise<boolean> {
  return (await store.getUserpass(credential.email))?.identityId === credential.identityId;
}
