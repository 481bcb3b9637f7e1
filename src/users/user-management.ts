import { z } from 'zod';
import { storableDocument } from '../model/storable.js';
import type { Logger } from '../options.js';
import { parseInput } from '../util/parse-input.js';
import { PROVIDER_TYPES, type IdentityRecord, type ProviderType, type UserRecord } from '../model/types.js';
import { AuthError } from '../errors.js';
import type { ServerApiKeys } from '../providers/capabilities.js';
import type { Store } from '../store/store.js';
import { listUsers, type UserListQuery } from './list-users.js';
import { pendingUsers, type PendingUsers } from './pending-users.js';

/** A user with its identities, as the management API returns it. */
export interface ManagedUser extends UserRecord {
  identities: IdentityRecord[];
}

export interface UserManagement {
  /** Users in id order, filtered by provider, disabled, email, type or anonymous; paged with `after`. */
  list(query?: UserListQuery): Promise<{ users: ManagedUser[]; next?: string }>;
  get(id: string): Promise<ManagedUser | null>;
  /** The user holding the identity (providerType, id). */
  findByIdentity(providerType: ProviderType, id: string): Promise<ManagedUser | null>;
  /** Blocks logins and refreshes (403 `UserDisabled`) and ends every session; false for an unknown user. */
  disable(id: string): Promise<boolean>;
  enable(id: string): Promise<boolean>;
  /** Removes the user, its identities, sessions, API keys, credentials and pending tokens. */
  delete(id: string): Promise<boolean>;
  /** Ends every session of the user; returns how many. */
  revokeSessions(id: string): Promise<number>;
  /** Replaces the host-owned `customData` document (undefined removes it); null for an unknown user. */
  setCustomData(id: string, doc: Record<string, unknown> | undefined): Promise<ManagedUser | null>;
  pending: PendingUsers;
  /** Server API keys; each call fails with `ProviderNotEnabled` when api-key is off. */
  apiKeys: ServerApiKeys;
}

export interface UserManagementDeps {
  store: Store;
  now: () => Date;
  deleteUser: (id: string) => Promise<boolean>;
  revokeSessions: (id: string) => Promise<number>;
  /** The server keys of the provider that offers them (api-key), when it is enabled. */
  apiKeys?: ServerApiKeys | undefined;
  logger: Logger;
}

const notEnabled = (): never => {
  throw new AuthError('ProviderNotEnabled', 'the api-key provider is not enabled');
};
/** `auth.users.apiKeys` without the api-key provider: every call fails with `ProviderNotEnabled`. */
const noServerKeys: ServerApiKeys = {
  createServerKey: async () => notEnabled(),
  list: async () => notEnabled(),
  get: async () => notEnabled(),
  enable: async () => notEnabled(),
  disable: async () => notEnabled(),
  delete: async () => notEnabled(),
};

const id = z.string().min(1).max(1024);
const customData = storableDocument.optional();

/** `auth.users`: the server-side user management API (SPEC §7). */
export function createUserManagement(deps: UserManagementDeps): UserManagement {
  const { store } = deps;
  const withIdentities = async (user: UserRecord | null): Promise<ManagedUser | null> =>
    user && { ...user, identities: await store.listIdentities(user.id) };

  return {
    async list(query) {
      const page = await listUsers(store, query);
      const users = await Promise.all(page.users.map(withIdentities));
      return { ...page, users: users as ManagedUser[] };
    },
    async get(userId) {
      return withIdentities(await store.getUser(parseInput(id, userId, 'user id')));
    },
    async findByIdentity(providerType, identityId) {
      const identity = await store.getIdentity(
        parseInput(z.enum(PROVIDER_TYPES), providerType, 'provider type'),
        parseInput(id, identityId, 'identity id'),
      );
      return identity ? withIdentities(await store.getUser(identity.userId)) : null;
    },
    async disable(userId) {
      // The flag first: from then on no login or refresh passes; the sessions go next.
      if (!(await store.updateUser(parseInput(id, userId, 'user id'), { disabled: true }))) return false;
      await deps.revokeSessions(userId);
      deps.logger.info('express-auth-providers: user disabled', { userId });
      return true;
    },
    async enable(userId) {
      if (!(await store.updateUser(parseInput(id, userId, 'user id'), { disabled: false }))) return false;
      deps.logger.info('express-auth-providers: user enabled', { userId });
      return true;
    },
    delete(userId) {
      return deps.deleteUser(parseInput(id, userId, 'user id'));
    },
    revokeSessions(userId) {
      return deps.revokeSessions(parseInput(id, userId, 'user id'));
    },
    async setCustomData(userId, doc) {
      const user = await store.updateUser(parseInput(id, userId, 'user id'), { customData: parseInput(customData, doc, 'custom data') });
      return withIdentities(user);
    },
    pending: pendingUsers(deps),
    apiKeys: deps.apiKeys ?? noServerKeys,
  };
}
