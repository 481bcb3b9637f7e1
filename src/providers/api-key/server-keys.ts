import { AuthError } from '../../errors.js';
import type { ApiKeyRecord } from '../../model/types.js';
import type { ServerApiKey, ServerApiKeys } from '../capabilities.js';
import { keyName, type ApiKeys } from './manage-keys.js';

const SERVER = { server: true } as const;

function view(record: ApiKeyRecord): ServerApiKey {
  const { id, name, userId, disabled, createdAt, lastUsedAt } = record;
  return { id, name, userId, disabled, createdAt, ...(lastUsedAt ? { lastUsedAt } : {}) };
}

/** The server key API over the provider's keys (`auth.users.apiKeys`). */
export function serverKeysApi(keys: ApiKeys): ServerApiKeys {
  const on = () => keys;
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
