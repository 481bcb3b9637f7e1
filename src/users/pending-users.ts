import { z } from 'zod';
import { emailKey } from '../identity/verified-identity.js';
import { parseInput } from '../util/parse-input.js';
import type { Store } from '../store/store.js';
import { MAX_PAGE } from './list-users.js';

/** An email/password registration not confirmed yet (never its password hash). */
export interface PendingUser {
  email: string;
  createdAt: Date;
}

const pageSchema = z.strictObject({
  limit: z.number().int().min(1).max(MAX_PAGE).default(50),
  after: z.string().min(1).optional(),
});

const emailSchema = z.string().trim().min(1).max(320);

/**
 * Pending email/password registrations (App Services' `user_registrations`). Addresses are
 * keyed as local-userpass keys its records (`emailKey`), so one is found however it is typed.
 */
export function pendingUsers(deps: { store: Store; now: () => Date }) {
  const { store } = deps;
  const key = (email: unknown) => emailKey(parseInput(emailSchema, email, 'email'));
  return {
    /** Pending registrations in email order; `next` is the `after` of the following page. */
    async list(query?: { limit?: number; after?: string }): Promise<{ users: PendingUser[]; next?: string }> {
      const { limit, after } = parseInput(pageSchema, query ?? {}, 'query');
      const records = await store.listUserpass({ status: 'pending', limit, after });
      const users = records.map((r) => ({ email: r.email, createdAt: r.createdAt }));
      return users.length === limit ? { users, next: users[users.length - 1]!.email } : { users };
    },
    /** Confirms a pending registration without its token; false when there is none. */
    async confirm(email: string): Promise<boolean> {
      const address = key(email);
      const confirmed = await store.updateUserpass(address, { status: 'confirmed', updatedAt: deps.now() }, 'pending');
      if (!confirmed) return false;
      await store.deleteTokensOfSubject(address, 'confirm');
      return true;
    },
    /** Removes a pending registration and its tokens, freeing the address; false when there is none. */
    async delete(email: string): Promise<boolean> {
      const address = key(email);
      if (!(await store.deleteUserpass(address, 'pending'))) return false;
      await store.deleteTokensOfSubject(address);
      return true;
    },
  };
}

export type PendingUsers = ReturnType<typeof pendingUsers>;
