import { z } from 'zod';
import { AuthError, DuplicateKeyError } from '../../errors.js';
import { newId } from '../../model/ids.js';
import type { ApiKeyRecord, IdentityRecord, UserRecord } from '../../model/types.js';
import type { ProviderOptions } from '../../options.js';
import type { ProviderContext } from '../provider.js';
import { apiKeyLimitReached, apiKeyNameInUse, apiKeyNotFound } from './key-errors.js';
import { generateApiKey, hashApiKey } from './key-format.js';
import { keyIdentity } from './key-identity.js';
import type { VerifiedKeyCache } from './key-cache.js';
import { syncUser } from '../../identity/sync-user.js';

/** Key names, as App Services allows them. */
export const keyName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must contain only ASCII letters, numbers, underscores, and hyphens');

/** Whose keys: one user's, or the server keys. */
export type KeyOwner = { userId: string } | { server: true };

const KEY_ID = /^[0-9a-f]{24}$/;
const owns = (owner: KeyOwner, key: ApiKeyRecord) => ('server' in owner ? key.server : !key.server && key.userId === owner.userId);
const query = (owner: KeyOwner) => ('server' in owner ? { server: true as const } : { userId: owner.userId });

/**
 * Creating, listing, enabling, disabling and deleting keys, for a user (the `/api_keys`
 * routes) or for the server (the admin API). A user key logs in as its user; a server
 * key has a `server` user of its own, created with it and deleted with it.
 */
export class ApiKeys {
  constructor(
    private readonly ctx: ProviderContext,
    private readonly options: ProviderOptions['api-key'],
    private readonly cache: VerifiedKeyCache,
  ) {}

  /**
   * Writes the key, then its identity (then, for a server key, its user). The limit is
   * checked before the insert (the common refusal) and again after it: FerretDB cannot
   * make a conditional write atomic, but every creator counts only after its own insert
   * is stored, so the last of any set of concurrent creators sees all of them, and a
   * creation that would pass the limit removes its key again. The limit is therefore
   * never exceeded; at the boundary, concurrent creators may all be refused though a
   * place remained. A failure after the insert removes what was written, so the secret,
   * never shown, leaves no working key behind.
   */
  async create(owner: KeyOwner, name: string): Promise<{ record: ApiKeyRecord; key: string }> {
    const server = 'server' in owner;
    this.admit(await this.ctx.store.listApiKeys(query(owner)), owner, name);
    const now = this.ctx.now();
    const key = generateApiKey();
    const record: ApiKeyRecord = {
      id: newId(now),
      userId: 'server' in owner ? newId(now) : owner.userId,
      name,
      keyHash: hashApiKey(key),
      disabled: false,
      server,
      createdAt: now,
    };
    try {
      await this.ctx.store.insertApiKey(record);
    } catch (err) {
      // The unique (userId, name) index: a concurrent creation took the name.
      if (err instanceof DuplicateKeyError) throw apiKeyNameInUse();
      throw err;
    }
    const identity = keyIdentity(record, now);
    let identityWritten = false;
    try {
      const stored = await this.ctx.store.listApiKeys(query(owner));
      this.admit(stored.filter((k) => k.id !== record.id), owner, name);
      await this.ctx.store.insertIdentity(identity);
      identityWritten = true;
      if (server) await this.ctx.store.insertUser(serverUser(record, identity, now));
      else await syncUser(this.ctx.store, record.userId); // the user now holds an api-key identity
    } catch (err) {
      await this.undo(record, identityWritten);
      throw err;
    }
    return { record, key };
  }

  list(owner: KeyOwner): Promise<ApiKeyRecord[]> {
    return this.ctx.store.listApiKeys(query(owner)).then((keys) => keys.filter((k) => owns(owner, k)));
  }

  /** The owner's key, or 404: another owner's key is as unknown as a missing one. */
  async get(owner: KeyOwner, id: string): Promise<ApiKeyRecord> {
    const record = KEY_ID.test(id) ? await this.ctx.store.getApiKey(id) : null;
    if (!record || !owns(owner, record)) throw apiKeyNotFound();
    return record;
  }

  /** Idempotent. Disabling ends the key's use at once in this process; a server key's sessions end too. */
  async setDisabled(owner: KeyOwner, id: string, disabled: boolean): Promise<void> {
    const record = await this.get(owner, id);
    if (record.disabled === disabled) return;
    if (!(await this.ctx.store.updateApiKey(id, { disabled }))) throw apiKeyNotFound();
    if (!disabled) return;
    this.cache.forgetKey(id);
    await this.endSessions(record);
  }

  /** Deletes the key first (its logins stop), then its identity; a server key's user goes with it. */
  async delete(owner: KeyOwner, id: string): Promise<void> {
    const record = await this.get(owner, id);
    if (!(await this.ctx.store.deleteApiKey(id))) throw apiKeyNotFound();
    this.cache.forgetKey(id);
    await this.ctx.store.deleteIdentity('api-key', id);
    if (record.server) return void (await this.ctx.deleteUser(record.userId));
    await this.endSessions(record);
    await syncUser(this.ctx.store, record.userId);
  }

  /** Deletes every key of the owner (an account recovery); returns how many. */
  async deleteAll(owner: KeyOwner): Promise<number> {
    const keys = await this.list(owner);
    for (const key of keys) await this.delete(owner, key.id).catch((err: unknown) => {
      // Deleted meanwhile by another request: what was asked for is done.
      if (!(err instanceof AuthError && err.code === 'APIKeyNotFound')) throw err;
    });
    return keys.length;
  }

  /** The provider's `forget` hook: the user is being deleted, or the key's identity unlinked. */
  async forget(identity: IdentityRecord): Promise<void> {
    await this.ctx.store.deleteApiKey(identity.id);
    this.cache.forgetKey(identity.id);
    this.cache.forgetUser(identity.userId);
    await this.ctx.revokeSessionsOpenedWith(identity.userId, 'api-key', identity.id);
  }

  /** A key that stops working takes its sessions with it: a server key's user has no others. */
  private async endSessions(record: ApiKeyRecord): Promise<void> {
    if (record.server) await this.ctx.revokeSessions(record.userId);
    else await this.ctx.revokeSessionsOpenedWith(record.userId, 'api-key', record.id);
  }

  private admit(others: ApiKeyRecord[], owner: KeyOwner, name: string): void {
    const server = 'server' in owner;
    const limit = server ? this.options.maxServerKeys : this.options.maxKeysPerUser;
    if (others.length >= limit) throw apiKeyLimitReached(limit, server ? 'server' : 'user');
    // Server keys each have a user of their own, so no unique index covers their names.
    if (server && others.some((k) => k.name === name)) throw apiKeyNameInUse();
  }

  private async undo(record: ApiKeyRecord, identityWritten: boolean): Promise<void> {
    try {
      await this.ctx.store.deleteApiKey(record.id);
      if (identityWritten) await this.ctx.store.deleteIdentity('api-key', record.id);
    } catch (err) {
      this.ctx.logger.error('express-auth-providers: could not remove a partly created API key', {
        keyId: record.id,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
}

function serverUser(key: ApiKeyRecord, identity: IdentityRecord, now: Date): UserRecord {
  return {
    id: key.userId,
    type: 'server',
    data: identity.data,
    anonymous: false,
    disabled: false,
    createdAt: now,
    lastAuthAt: now,
  };
}
