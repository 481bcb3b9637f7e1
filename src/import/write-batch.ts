import type { BulkKeys, BulkRecords, BulkSkipped, Store } from '../store/store.js';
import { UnimportableUser, type PlannedUser } from './app-services-user.js';
import { writeUser, type WriteOutcome } from './write-user.js';

const KINDS = ['users', 'identities', 'userpass'] as const;
type Kind = (typeof KINDS)[number];

const identityKey = (i: { providerType: string; id: string }) => `${i.providerType}\u0000${i.id}`;
const keysOf = (p: PlannedUser) => [
  `u\u0000${p.user.id}`,
  ...p.identities.map((i) => `i\u0000${identityKey(i)}`),
  ...p.credentials.map((c) => `e\u0000${c.email}`),
];

/** The records of a batch, by kind, each with the position in the batch of the user it belongs to. */
class BatchRecords {
  readonly records: BulkRecords = { users: [], identities: [], userpass: [] };
  readonly owners: Record<Kind, number[]> = { users: [], identities: [], userpass: [] };

  add(at: number, planned: PlannedUser): void {
    this.push('users', at, [planned.user]);
    this.push('identities', at, planned.identities);
    this.push('userpass', at, planned.credentials);
  }

  /** Positions of the users that had at least one record skipped. */
  touched(skipped: BulkSkipped): Set<number> {
    return new Set(KINDS.flatMap((kind) => skipped[kind].map((i) => this.owners[kind][i]!)));
  }

  /** Every key of these users' records, to read them back together. */
  keysOf(users: Set<number>): BulkKeys {
    const of = <T>(kind: Kind, list: T[]) => list.filter((_, i) => users.has(this.owners[kind][i]!));
    return {
      users: of('users', this.records.users).map((u) => u.id),
      identities: of('identities', this.records.identities).map(({ providerType, id }) => ({ providerType, id })),
      userpass: of('userpass', this.records.userpass).map((r) => r.email),
    };
  }

  /** The records of user `at` that were written (not skipped). */
  writtenFor(at: number, skipped: BulkSkipped): BulkRecords {
    const pick = <T>(kind: Kind, list: T[]) => list.filter((_, i) => this.owners[kind][i] === at && !skipped[kind].includes(i));
    return { users: pick('users', this.records.users), identities: pick('identities', this.records.identities), userpass: pick('userpass', this.records.userpass) };
  }

  private push<T>(kind: Kind, at: number, list: T[]): void {
    for (const record of list) {
      (this.records[kind] as T[]).push(record);
      this.owners[kind].push(at);
    }
  }
}

/**
 * Writes a batch of planned users idempotently, in bulk: every record is inserted in one round
 * trip per collection (users first); a record already stored is skipped by its unique key.
 *
 * - All of a user's records skipped: the user is already there (`unchanged`); nothing is read.
 * - None skipped: `imported`.
 * - Some skipped: those are read back, in one query per collection, to tell the user's own
 *   records (a run that was cut short) from someone else's (a conflict: the records this call
 *   wrote for the user are removed again, and the user is reported).
 *
 * A fresh import and a repeated one thus read nothing. Users that share a key with an earlier
 * one of the batch, and users whose records changed between the write and the read, go
 * through `writeUser` one at a time. Outcomes are in batch order.
 */
export async function writeBatch(store: Store, batch: PlannedUser[]): Promise<(WriteOutcome | UnimportableUser)[]> {
  const outcomes: (WriteOutcome | UnimportableUser)[] = new Array(batch.length);
  const claimed = new Set<string>();
  const alone: number[] = [];
  const bulk = new BatchRecords();
  batch.forEach((planned, at) => {
    const keys = keysOf(planned);
    if (keys.some((k) => claimed.has(k))) return void alone.push(at);
    keys.forEach((k) => claimed.add(k));
    bulk.add(at, planned);
    outcomes[at] = 'imported';
  });

  const skipped = await store.insertMany(bulk.records);
  // A user none of whose records could be written is already there: a second run. Nothing was
  // written, so nothing is read back (on servers that scan per query, that read is the cost).
  const mixed = new Set<number>();
  for (const at of bulk.touched(skipped)) {
    const written = bulk.writtenFor(at, skipped);
    if (KINDS.every((kind) => written[kind].length === 0)) outcomes[at] = 'unchanged';
    else mixed.add(at);
  }
  if (mixed.size > 0) {
    // Some records were there, others not: those there must be this user's own, or it is a conflict.
    const found = await store.findMany(bulk.keysOf(mixed));
    const users = new Set(found.users.map((u) => u.id));
    const owners = new Map(found.identities.map((i) => [identityKey(i), i.userId]));
    const holders = new Map(found.userpass.map((r) => [r.email, r.identityId]));
    for (const at of mixed) {
      const planned = batch[at]!;
      const verdict = judge(planned, users, owners, holders);
      if (verdict === 'ours') continue;
      await remove(store, bulk.writtenFor(at, skipped));
      // Gone between the write and the read: decided again, alone.
      outcomes[at] = verdict === 'changed' ? await single(store, planned) : new UnimportableUser(verdict, planned.user.id);
    }
  }
  for (const at of alone) outcomes[at] = await single(store, batch[at]!);
  return outcomes;
}

/** 'ours' when every record of the user that is stored is the user's own; a conflict's reason; or 'changed'. */
function judge(planned: PlannedUser, users: Set<string>, owners: Map<string, string>, holders: Map<string, string>): string {
  for (const identity of planned.identities) {
    const owner = owners.get(identityKey(identity));
    if (owner !== undefined && owner !== planned.user.id) {
      return `the ${identity.providerType} identity ${JSON.stringify(identity.id)} belongs to another user (${owner})`;
    }
  }
  for (const credential of planned.credentials) {
    const holder = holders.get(credential.email);
    if (holder !== undefined && holder !== credential.identityId) return `the email ${credential.email} is registered by another account`;
  }
  const missing =
    !users.has(planned.user.id) ||
    planned.identities.some((i) => !owners.has(identityKey(i))) ||
    planned.credentials.some((c) => !holders.has(c.email));
  return missing ? 'changed' : 'ours';
}

async function remove(store: Store, written: BulkRecords): Promise<void> {
  for (const c of written.userpass) await store.deleteUserpass(c.email);
  for (const i of written.identities) await store.deleteIdentity(i.providerType, i.id);
  for (const u of written.users) await store.deleteUser(u.id);
}

async function single(store: Store, planned: PlannedUser): Promise<WriteOutcome | UnimportableUser> {
  try {
    return await writeUser(store, planned);
  } catch (err) {
    if (err instanceof UnimportableUser) return err;
    throw err;
  }
}
