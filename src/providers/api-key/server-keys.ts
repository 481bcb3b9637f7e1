import { AuthError } from '../../errors.js';
import type { ApiKeyRecord } from '../../model/types.js';
import { keyName, type ApiKeys } from './manage-keys.js';

/** A server API key as the server-side API shows it (never its secret). */
export interface ServerApiKey {
  id: string;
  name: string;
  /** The key's `server` user: logging in with the key yields this user. */
  userId: string;
  disabled: boolean;
  createdAt: Date;
  lastUsedAt?: Date | undefined;
}

/** `auth.users.apiKeys`: server API keys, for the host's own code or an admin router it guards. */
export interface ServerApiKeys {
  /** Creates a key and its `server` user; `key`, the secret, is returned only here. */
  createServerKey(name: string): Promise<ServerApiKey & { key: string }>;
  list(): Promise<ServerApiKey[]>;
  get(id: string): Promise<ServerApiKey>;
  /** Idempotent. */
  enable(id: string): Promise<void>;
  /** Idempotent; also ends the sessions of the key's user. */
  disable(id: string): Promise<void>;
  /** Removes the key and its user. */
  delete(id: string): Promise<void>;
}

const SERVER = { server: true } as const;

function view(record: ApiKeyRecord): ServerApiKey {
  const { id, name, userId, disabled, createdAt, lastUsedAt } = record;
  return { id, name, userId, disabled, createdAt, ...(lastUsedAt ? { lastUsedAt } : {}) };
}

/** The server key API over a provider's keys; every call fails with `ProviderNotEnabled` when api-key is off. */
export function serverKeysApi(keys: ApiKeys | undefined): ServerApiKeys {
  const on = (): ApiKeys => {
    if (!keys) throw new AuthError('ProviderNotEnabled', 'the api-key provider is not enabled');
    return keys;
  };
  return {
    async createServerKey(name) {
      const parsed = keyName.safeParse(name);
      if (!parsed.success) throw new AuthError('InvalidParameter', `invalid name: ${parsed.error.issues[0]!.message}`);
      const { record, key } = await on().create(SERVER, parsed.data);
      return { ...view(record), key };
    },
    list: async () => (await on().list(SERVER)).map(view),
    get: async (id) => view(await on().get(SERVER, String(id))),
    enable: (id) => on().setDisabled(SERVER, String(id), false),
    disable: (id) => on().setDisabled(SERVER, String(id), true),
    delete: (id) => on().delete(SERVER, String(id)),
  };
}
