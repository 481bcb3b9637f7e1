import { beforeEach, describe, expect, it } from 'vitest';
import { AuthError } from '../../src/errors.js';
import { linkIdentity } from '../../src/identity/link-identity.js';
import { resolveUser } from '../../src/identity/resolve-user.js';
import { unlinkIdentity } from '../../src/identity/unlink-identity.js';
import type { VerifiedIdentity } from '../../src/identity/verified-identity.js';
import type { IdentityRecord } from '../../src/model/types.js';
import type { Store } from '../../src/store/store.js';
import { storeCases } from '../support/stores.js';

const T0 = new Date('2026-06-01T00:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

const anon = (id = `anon-${Math.random()}`): VerifiedIdentity => ({ providerType: 'anon-user', id });
const token = (id: string, data: Record<string, unknown> = {}): VerifiedIdentity => ({ providerType: 'custom-token', id, data });
const userpass = (id: string, email: string, verified = true): VerifiedIdentity => ({
  providerType: 'local-userpass',
  id,
  data: { email },
  email: { address: email, verified },
});

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AuthError);
  return err as AuthError;
}

describe.each(storeCases('link-identity'))('linking identities ()', ({ make }) => {
  let store: Store;
  beforeEach(async () => {
    store = make();
    await store.init();
  });

  it('adds the identity to the current user and merges its data into the user’s', async () => {
    const { user } = await resolveUser(store, token('t-1', { name: 'Ada' }), T0);
    const result = await linkIdentity(store, user.id, userpass('up-1', 'ada@example.com'), at(10));
    expect(result.linked).toBe(true);
    expect(result.user.id).toBe(user.id);
    expect(result.identities.map((i) => i.providerType).sort()).toEqual(['custom-token', 'local-userpass']);
    expect(result.user.data).toEqual({ name: 'Ada', email: 'ada@example.com' });
    expect((await store.getIdentity('local-userpass', 'up-1'))?.userId).toBe(user.id);
  });

  it('keeps an anonymous user’s id and custom data, and it stops being anonymous', async () => {
    const { user } = await resolveUser(store, anon(), T0);
    await store.updateUser(user.id, { customData: { cart: ['book'] } });
    expect(user.anonymous).toBe(true);
    const { user: upgraded } = await linkIdentity(store, user.id, token('t-1'), at(10));
    expect(upgraded).toMatchObject({ id: user.id, anonymous: false, customData: { cart: ['book'] } });
    expect((await store.listUsers({ limit: 10, anonymous: true })).map((u) => u.id)).not.toContain(user.id);
  });

  it('answers a repeated link of an identity the user already holds as success that changes nothing', async () => {
    const { user } = await resolveUser(store, token('t-1'), T0);
    await linkIdentity(store, user.id, token('t-2'), at(1));
    const again = await linkIdentity(store, user.id, token('t-2'), at(2));
    expect(again.linked).toBe(false);
    expect(again.identities).toHaveLength(2);
  });

  it('refuses an identity owned by another user with 409 IdentityAlreadyExists and changes neither user', async () => {
    const a = await resolveUser(store, token('t-a', { name: 'A' }), T0);
    const b = await resolveUser(store, token('t-b', { name: 'B' }), T0);
    const err = await rejection(linkIdentity(store, a.user.id, token('t-b', { name: 'Mallory' }), at(5)));
    expect([err.status, err.code]).toEqual([409, 'IdentityAlreadyExists']);
    expect(await store.listIdentities(a.user.id)).toEqual(a.identities);
    expect(await store.listIdentities(b.user.id)).toEqual(b.identities);
    expect((await store.getUser(b.user.id))?.data).toEqual({ name: 'B' });
  });

  it('refuses to link an anonymous identity', async () => {
    const { user } = await resolveUser(store, token('t-1'), T0);
    const err = await rejection(linkIdentity(store, user.id, anon(), at(1)));
    expect([err.status, err.code, err.message]).toEqual([400, 'LinkNotAllowed', 'linking an anonymous identity is not allowed']);
    expect(await store.listIdentities(user.id)).toHaveLength(1);
  });

  it('refuses a second email/password identity', async () => {
    const { user } = await resolveUser(store, userpass('up-1', 'a@example.com'), T0);
    const err = await rejection(linkIdentity(store, user.id, userpass('up-2', 'b@example.com'), at(1)));
    expect([err.status, err.code]).toEqual([400, 'LinkNotAllowed']);
    expect(await store.getIdentity('local-userpass', 'up-2')).toBeNull();
  });

  it('refuses a server API key', async () => {
    const { user } = await resolveUser(store, token('t-1'), T0);
    const err = await rejection(linkIdentity(store, user.id, { providerType: 'api-key', id: 'k', userType: 'server' }, at(1)));
    expect(err.code).toBe('LinkNotAllowed');
  });

  it('refuses a disabled user', async () => {
    const { user } = await resolveUser(store, token('t-1'), T0);
    await store.updateUser(user.id, { disabled: true });
    const err = await rejection(linkIdentity(store, user.id, token('t-2'), at(1)));
    expect([err.status, err.code]).toEqual([403, 'UserDisabled']);
    expect(await store.getIdentity('custom-token', 't-2')).toBeNull();
  });

  it('gives one of 20 concurrent links of one identity to two users exactly one owner', async () => {
    const a = (await resolveUser(store, anon(), T0)).user.id;
    const b = (await resolveUser(store, anon(), T0)).user.id;
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => linkIdentity(store, i % 2 ? a : b, token('contested'), at(1))),
    );
    const owner = (await store.getIdentity('custom-token', 'contested'))!.userId;
    const loser = owner === a ? b : a;
    for (const [i, r] of results.entries()) {
      const target = i % 2 ? a : b;
      if (target === owner) expect(r.status).toBe('fulfilled');
      else expect(r.status === 'rejected' && (r.reason as AuthError).code).toBe('IdentityAlreadyExists');
    }
    expect((await store.listIdentities(owner)).map((i) => i.providerType).sort()).toEqual(['anon-user', 'custom-token']);
    expect((await store.listIdentities(loser)).map((i) => i.providerType)).toEqual(['anon-user']);
    expect((await store.getUser(loser))?.anonymous).toBe(true);
  });

  it('lets at most one of two concurrent links of different email/password identities stay', async () => {
    const { user } = await resolveUser(store, anon(), T0);
    await Promise.allSettled([
      linkIdentity(store, user.id, userpass('up-1', 'a@example.com'), at(1)),
      linkIdentity(store, user.id, userpass('up-2', 'b@example.com'), at(1)),
    ]);
    const held = (await store.listIdentities(user.id)).filter((i) => i.providerType === 'local-userpass');
    expect(held.length).toBeLessThanOrEqual(1);
  });

  it('merges data across identities, the most recent login winning per field', async () => {
    const { user } = await resolveUser(store, token('t-1', { name: 'Old', picture: 'p.png' }), T0);
    await linkIdentity(store, user.id, { providerType: 'custom-function', id: 'f-1', data: { name: 'New' } }, at(10));
    expect((await store.getUser(user.id))?.data).toEqual({ name: 'New', picture: 'p.png' });
    const again = await resolveUser(store, token('t-1', { name: 'Newest', picture: 'p.png' }), at(20));
    expect(again.user.data).toEqual({ name: 'Newest', picture: 'p.png' });
    const identities = await store.listIdentities(user.id);
    expect(identities.find((i) => i.providerType === 'custom-function')?.data).toEqual({ name: 'New' });
  });
});

describe.each(storeCases('unlink-identity'))('unlinking identities ()', ({ make }) => {
  let store: Store;
  let forgotten: IdentityRecord[];
  const forget = async (identity: IdentityRecord) => void forgotten.push(identity);
  beforeEach(async () => {
    store = make();
    await store.init();
    forgotten = [];
  });

  it('removes one identity with its provider records and recomputes the user’s data', async () => {
    const { user } = await resolveUser(store, token('t-1', { name: 'Ada' }), T0);
    await linkIdentity(store, user.id, userpass('up-1', 'ada@example.com'), at(1));
    const result = await unlinkIdentity(store, forget, user.id, 'local-userpass', 'up-1', at(2));
    expect(result.identities.map((i) => i.providerType)).toEqual(['custom-token']);
    expect(result.user.data).toEqual({ name: 'Ada' });
    expect(forgotten.map((i) => i.id)).toEqual(['up-1']);
    expect(await store.getIdentity('local-userpass', 'up-1')).toBeNull();
  });

  it('refuses to remove the last identity with 400 LastIdentity', async () => {
    const { user } = await resolveUser(store, token('t-1'), T0);
    const err = await rejection(unlinkIdentity(store, forget, user.id, 'custom-token', 't-1', at(1)));
    expect([err.status, err.code]).toEqual([400, 'LastIdentity']);
    expect(await store.listIdentities(user.id)).toHaveLength(1);
    expect(forgotten).toEqual([]);
  });

  it('answers 404 for an identity of another user and leaves it alone', async () => {
    const a = await resolveUser(store, token('t-a'), T0);
    await linkIdentity(store, a.user.id, token('t-a2'), at(1));
    const b = await resolveUser(store, token('t-b'), T0);
    await linkIdentity(store, b.user.id, token('t-b2'), at(1));
    const err = await rejection(unlinkIdentity(store, forget, a.user.id, 'custom-token', 't-b2', at(2)));
    expect([err.status, err.code]).toEqual([404, 'NotFound']);
    expect((await store.getIdentity('custom-token', 't-b2'))?.userId).toBe(b.user.id);
  });

  it('makes the user anonymous again when only anonymous identities remain', async () => {
    const { user } = await resolveUser(store, anon(), T0);
    await linkIdentity(store, user.id, token('t-1'), at(1));
    const { user: after } = await unlinkIdentity(store, forget, user.id, 'custom-token', 't-1', at(2));
    expect(after.anonymous).toBe(true);
  });

  it('leaves at least one identity when the last two are unlinked concurrently', async () => {
    const { user } = await resolveUser(store, token('t-1'), T0);
    await linkIdentity(store, user.id, token('t-2'), at(1));
    const results = await Promise.allSettled([
      unlinkIdentity(store, forget, user.id, 'custom-token', 't-1', at(2)),
      unlinkIdentity(store, forget, user.id, 'custom-token', 't-2', at(2)),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeLessThanOrEqual(1);
    expect(await store.listIdentities(user.id)).toHaveLength(1);
    // The lock is released: the remaining identity is still refused as the last one, not as busy.
    const [left] = await store.listIdentities(user.id);
    const err = await rejection(unlinkIdentity(store, forget, user.id, 'custom-token', left!.id, at(3)));
    expect(err.code).toBe('LastIdentity');
  });
});
