// Bulk seeding for the scale benchmarks: users, identities and API keys written straight
// through the store (Store.insertMany, or the collections MongoStore reads), never through
// the HTTP API, in the exact shape the store itself writes, so that a login of a seeded
// identity or a request with a seeded key behaves as for a real user. Deterministic: the
// load generator derives the same identity ids and keys from an index as the seeder did.
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

const CREATED = new Date('2026-01-01T00:00:00Z');
const BATCH = 5_000;

/** The 24-hex-digit id of seeded record `i` in a namespace (0 users, 1 keys): newId's shape. */
const hexId = (namespace, i) => `${namespace.toString(16).padStart(8, '0')}${i.toString(16).padStart(16, '0')}`;

/** The custom-function identity id of seeded user `i` (what its login payload names). */
export const identityIdOf = (i) => `user-${i}`;

/**
 * User `i` as the first custom-function login of `user-<i>` stores it: its identity (no
 * data), then its user, which lists the provider so later logins read and write by key only.
 */
export function userRecords(i, providers = ['custom-function']) {
  const userId = hexId(0, i);
  return {
    user: { id: userId, type: 'normal', data: {}, anonymous: false, providers, disabled: false, createdAt: CREATED, lastAuthAt: CREATED },
    identity: { id: identityIdOf(i), providerType: 'custom-function', userId, data: {}, createdAt: CREATED, lastLoginAt: CREATED },
  };
}

/**
 * API key `i`, in the format key-format.ts issues (`eapk_`, 43 base64url characters of
 * secret, a CRC-32 check), derived from `i` instead of random bytes.
 */
export function apiKeyOf(i) {
  const body = `eapk_${createHash('sha256').update(`bench-key-${i}`).digest('base64url')}`;
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(crc32(body));
  return body + sum.toString('base64url');
}

/**
 * A user holding one API key, as `POST /auth/api_keys` leaves it: the user (created by a
 * custom-function login), its two identities, and the key record, whose hash is what a
 * request's key is looked up by.
 */
export function keyOwnerRecords(i) {
  const { user, identity } = userRecords(i, ['custom-function', 'api-key']);
  const keyId = hexId(1, i);
  const keyIdentity = { id: keyId, providerType: 'api-key', userId: user.id, data: {}, createdAt: CREATED, lastLoginAt: CREATED };
  const key = {
    id: keyId,
    userId: user.id,
    name: 'bench',
    keyHash: createHash('sha256').update(apiKeyOf(i)).digest('base64url'),
    disabled: false,
    server: false,
    createdAt: CREATED,
  };
  return { user, identities: [identity, keyIdentity], key };
}

/** Seeds users `from`…`to - 1` through Store.insertMany, `BATCH` at a time; resolves with the seconds taken. */
export async function seedUsers(store, from, to) {
  const started = performance.now();
  for (let i = from; i < to; i += BATCH) {
    const users = [];
    const identities = [];
    for (let k = i; k < Math.min(i + BATCH, to); k++) {
      const r = userRecords(k);
      users.push(r.user);
      identities.push(r.identity);
    }
    await insertAll(store, { users, identities, userpass: [] });
  }
  return (performance.now() - started) / 1000;
}

/**
 * Seeds `count` key owners: users and identities through Store.insertMany, keys through
 * `insertKeys(records)` (Store has no bulk insert of keys; see the servers for how each store
 * is given them). Resolves with the seconds taken.
 */
export async function seedKeyOwners(store, count, insertKeys) {
  const started = performance.now();
  for (let i = 0; i < count; i += BATCH) {
    const users = [];
    const identities = [];
    const keys = [];
    for (let k = i; k < Math.min(i + BATCH, count); k++) {
      const r = keyOwnerRecords(k);
      users.push(r.user);
      identities.push(...r.identities);
      keys.push(r.key);
    }
    await insertAll(store, { users, identities, userpass: [] });
    await insertKeys(keys);
  }
  return (performance.now() - started) / 1000;
}

async function insertAll(store, records) {
  const skipped = await store.insertMany(records);
  if (skipped.users.length || skipped.identities.length) throw new Error('seed: records already there (seed an empty database)');
}

/** The key records as MongoStore stores them (toDoc: `id` becomes `_id`), for the driver's insertMany. */
export const apiKeyDocs = (keys) => keys.map(({ id, ...rest }) => ({ _id: id, ...rest }));
