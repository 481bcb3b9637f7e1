import { z } from 'zod';
import { parseInput } from '../util/parse-input.js';
import { emailKey } from '../identity/verified-identity.js';
import { PROVIDER_TYPES, type UserRecord } from '../model/types.js';
import type { Store, UserQuery } from '../store/store.js';

export const MAX_PAGE = 1000;
const DEFAULT_PAGE = 50;
// Users matching one email are few; this bounds the in-memory filtering of them.
const EMAIL_MATCHES = 1000;
const IDENTITY_BATCH = 500;

export const listQuerySchema = z.strictObject({
  filter: z
    .strictObject({
      /** Users holding an identity of this provider type. */
      provider: z.enum(PROVIDER_TYPES).optional(),
      disabled: z.boolean().optional(),
      /** Users whose identities report this email (any case), or whose `data.email` is exactly it. */
      email: z.string().min(1).max(320).optional(),
      type: z.enum(['normal', 'server']).optional(),
      anonymous: z.boolean().optional(),
    })
    .default({}),
  limit: z.number().int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE),
  /** The `next` of the previous page. */
  after: z.string().min(1).optional(),
});

export type UserListQuery = z.input<typeof listQuerySchema>;

/** A page of users in id order; `next` is the `after` of the following page, absent after the last. */
export interface UserRecordPage {
  users: UserRecord[];
  next?: string;
}

export function parseListQuery(query: unknown) {
  return parseInput(listQuerySchema, query ?? {}, 'query');
}

/** Lists users in id order, filtered and paged. */
export async function listUsers(store: Store, input: UserListQuery | undefined): Promise<UserRecordPage> {
  const { filter, limit, after } = parseListQuery(input);
  const base: Omit<UserQuery, 'limit'> = { type: filter.type, disabled: filter.disabled, anonymous: filter.anonymous };
  let users: UserRecord[];
  if (filter.email !== undefined) {
    users = (await byEmail(store, filter.email, base, after)).slice(0, EMAIL_MATCHES);
    if (filter.provider) {
      const provider = filter.provider;
      const holds = await Promise.all(
        users.map(async (u) => (await store.listIdentities(u.id)).some((i) => i.providerType === provider)),
      );
      users = users.filter((_, i) => holds[i]);
    }
    users = users.slice(0, limit);
  } else if (filter.provider) {
    users = await byProvider(store, filter.provider, base, after, limit);
  } else {
    users = await store.listUsers({ ...base, after, limit });
  }
  return users.length === limit ? { users, next: users[users.length - 1]!.id } : { users };
}

/** Users whose identities report the address, and users whose merged `data.email` is exactly it. */
async function byEmail(store: Store, email: string, base: Omit<UserQuery, 'limit'>, after: string | undefined) {
  const ids = [...new Set((await store.listIdentitiesByEmail(emailKey(email))).map((i) => i.userId))];
  const [viaIdentity, viaData] = await Promise.all([
    ids.length ? store.listUsers({ ...base, ids, after, limit: EMAIL_MATCHES }) : [],
    store.listUsers({ ...base, email, after, limit: EMAIL_MATCHES }),
  ]);
  const merged = new Map([...viaIdentity, ...viaData].map((u) => [u.id, u]));
  return [...merged.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Walks the provider's identities in user order, keeping the users that pass the other filters. */
async function byProvider(
  store: Store,
  provider: (typeof PROVIDER_TYPES)[number],
  base: Omit<UserQuery, 'limit'>,
  after: string | undefined,
  limit: number,
): Promise<UserRecord[]> {
  const found: UserRecord[] = [];
  let cursor = after;
  for (;;) {
    const batch = await store.listIdentitiesByProvider(provider, { afterUserId: cursor, limit: IDENTITY_BATCH });
    if (batch.length === 0) return found;
    const ids = [...new Set(batch.map((i) => i.userId))];
    // The last user's remaining identities of this type (if any) are skipped by the next cursor.
    cursor = ids[ids.length - 1];
    for (const user of await store.listUsers({ ...base, ids, limit: ids.length })) {
      found.push(user);
      if (found.length === limit) return found;
    }
    if (batch.length < IDENTITY_BATCH) return found;
  }
}
