import { DuplicateKeyError } from '../../errors.js';
import type { ApiKeyRecord, IdentityRecord } from '../../model/types.js';
import type { ProviderContext } from '../provider.js';
import { invalidApiKey } from './key-errors.js';

/**
 * The identity that makes a key log in as its user: `(api-key, key id)` → the key's user.
 * A server key's identity carries the key's name at once (it is its user's only identity);
 * a user key's identity gets it at its first login, so creating a key does not put its
 * name into the user's merged `data`.
 */
export function keyIdentity(key: ApiKeyRecord, now: Date): IdentityRecord {
  return {
    id: key.id,
    providerType: 'api-key',
    userId: key.userId,
    data: key.server ? { name: key.name } : {},
    createdAt: now,
    lastLoginAt: now,
  };
}

/**
 * A key is written before its identity (see manage-keys.ts), so a crash between the two
 * leaves a key without one. A login with it must reach the key's user, not create a new
 * one: the missing identity is written first (the login calls this when it finds none). A
 * user key whose user is gone is refused, and so is an identity of another user.
 */
export async function ensureKeyIdentity(ctx: ProviderContext, key: ApiKeyRecord): Promise<void> {
  const identity = await ctx.store.getIdentity('api-key', key.id);
  if (identity) {
    if (identity.userId !== key.userId) throw invalidApiKey('the key’s identity belongs to another user');
    return;
  }
  if (!key.server && !(await ctx.store.getUser(key.userId))) throw invalidApiKey('the key’s user no longer exists');
  try {
    await ctx.store.insertIdentity(keyIdentity(key, ctx.now()));
    ctx.logger.warn('express-auth-providers: restored the missing identity of an API key', {
      keyId: key.id,
      userId: key.userId,
    });
  } catch (err) {
    // A concurrent login restored it first.
    if (!(err instanceof DuplicateKeyError)) throw err;
  }
}
