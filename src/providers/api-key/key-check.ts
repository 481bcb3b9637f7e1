import type { ApiKeyRecord } from '../../model/types.js';
import { safeEqual } from '../../tokens/secrets.js';
import type { ProviderContext } from '../provider.js';
import { invalidApiKey } from './key-errors.js';
import { hashApiKey, isWellFormedApiKey } from './key-format.js';

/**
 * Checks a presented key: its shape and checksum without a store read, then one lookup
 * by hash on the unique index (O(1) in the number of keys, never a scan or a compare
 * against each key), then whether it is enabled. Unknown, malformed, disabled and
 * deleted keys fail alike, with 401 "invalid API key".
 */
export async function checkApiKey(ctx: ProviderContext, key: string, lastUsedResolution: number): Promise<ApiKeyRecord> {
  if (!isWellFormedApiKey(key)) throw invalidApiKey('malformed key');
  const hash = hashApiKey(key);
  const record = await ctx.store.findApiKeyByHash(hash);
  // The index already matched the hash; the constant-time compare keeps a loosely matching store honest.
  if (!record || !safeEqual(record.keyHash, hash)) throw invalidApiKey('unknown key');
  if (record.disabled) throw invalidApiKey(`key ${record.id} is disabled`);
  await touch(ctx, record, lastUsedResolution);
  return record;
}

/** `lastUsedAt` is written at most once per `resolution` seconds per key, so a busy key is not a write per use. */
async function touch(ctx: ProviderContext, record: ApiKeyRecord, resolution: number): Promise<void> {
  const now = ctx.now();
  const last = record.lastUsedAt?.getTime();
  if (last !== undefined && now.getTime() - last < resolution * 1000) return;
  await ctx.store.updateApiKey(record.id, { lastUsedAt: now });
  record.lastUsedAt = now;
}
