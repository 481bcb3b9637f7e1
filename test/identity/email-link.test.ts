import { beforeEach, describe, expect, it } from 'vitest';
import type { EmailLinkPolicy } from '../../src/identity/email-link.js';
import { resolveUser } from '../../src/identity/resolve-user.js';
import type { VerifiedIdentity } from '../../src/identity/verified-identity.js';
import type { IdentityRecord, ProviderType } from '../../src/model/types.js';
import type { Store } from '../../src/store/store.js';
import { MemoryLogger } from '../support/app.js';
import { storeCases } from '../support/stores.js';

const T0 = new Date('2026-06-01T00:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

const withEmail = (providerType: ProviderType, id: string, address: string, verified: boolean): VerifiedIdentity => ({
  providerType,
  id,
  data: { email: address },
  email: { address, verified },
});

describe.each(storeCases('email-link'))('linkByVerifiedEmail on $name', ({ make }) => {
  let store: Store;
  let policy: EmailLinkPolicy;
  let forgotten: IdentityRecord[];
  let revoked: string[];
  let unverifiedClaims: Map<string, string>; // address → user id, as a provider with pending registrations would hold them

  beforeEach(async () => {
    store = make();
    await store.init();
    forgotten = [];
    revoked = [];
    unverifiedClaims = new Map();
    policy = {
      providers: ['custom-token', 'custom-function', 'local-userpass'],
      logger: new MemoryLogger(),
      forget: async (identity) => void forgotten.push(identity),
      revokeSessions: async (userId) => (revoked.push(userId), 0),
      revokeUnverifiedEmail: async (address) => {
        const owner = unverifiedClaims.get(address);
        unverifiedClaims.delete(address);
        return owner ? [owner] : [];
      },
    };
  });

  const login = (verified: VerifiedIdentity, s = 10) => resolveUser(store, verified, at(s), policy);

  it('links a first login whose verified email matches the one user holding it verified', async () => {
    const owner = await login(withEmail('local-userpass', 'up-1', 'ada@example.com', true), 0);
    const second = await login(withEmail('custom-token', 'sub-1', 'ADA@Example.com', true));
    expect(second.user.id).toBe(owner.user.id);
    expect([second.created, second.linkedByEmail]).toEqual([false, true]);
    expect(second.identities!.map((i) => i.providerType).sort()).toEqual(['custom-token', 'local-userpass']);
  });

  it('never links when the new login’s email is unverified', async () => {
    const owner = await login(withEmail('local-userpass', 'up-1', 'ada@example.com', true), 0);
    const second = await login(withEmail('custom-token', 'sub-1', 'ada@example.com', false));
    expect(second.user.id).not.toBe(owner.user.id);
    expect(second.created).toBe(true);
    expect(await store.listIdentities(owner.user.id)).toHaveLength(1);
  });

  it('never links to a user whose email is unverified (the pre-hijack case)', async () => {
    const attacker = await login(withEmail('custom-function', 'f-1', 'ada@example.com', false), 0);
    const victim = await login(withEmail('custom-token', 'sub-1', 'ada@example.com', true));
    expect(victim.user.id).not.toBe(attacker.user.id);
    expect(victim.created).toBe(true);
    expect((await store.listIdentities(attacker.user.id)).map((i) => i.id)).toEqual(['f-1']);
  });

  it('does nothing for a provider not listed, or when the option is off', async () => {
    const owner = await login(withEmail('local-userpass', 'up-1', 'ada@example.com', true), 0);
    policy.providers = ['custom-function'];
    const notListed = await login(withEmail('custom-token', 'sub-1', 'ada@example.com', true));
    expect(notListed.user.id).not.toBe(owner.user.id);
    const off = await resolveUser(store, withEmail('custom-function', 'f-1', 'ada@example.com', true), at(20));
    expect(off.user.id).not.toBe(owner.user.id);
  });

  it('does not link when several users hold the verified email, and says so in the log', async () => {
    const a = await resolveUser(store, withEmail('custom-function', 'f-1', 'ada@example.com', true), T0);
    const b = await resolveUser(store, withEmail('custom-function', 'f-2', 'ada@example.com', true), T0);
    const third = await login(withEmail('custom-token', 'sub-1', 'ada@example.com', true));
    expect([a.user.id, b.user.id]).not.toContain(third.user.id);
    expect((policy.logger as MemoryLogger).text()).toContain('several users hold this verified email');
  });

  it('links only on the first login of an identity, never moving an existing one', async () => {
    const first = await login(withEmail('custom-token', 'sub-1', 'ada@example.com', false), 0);
    const owner = await login(withEmail('local-userpass', 'up-1', 'ada@example.com', true), 5);
    const again = await login(withEmail('custom-token', 'sub-1', 'ada@example.com', true));
    expect(again.user.id).toBe(first.user.id);
    expect(again.user.id).not.toBe(owner.user.id);
  });

  it('revokes unproven claims on the address: pending registrations with their users’ sessions, the owner’s unverified identities with its sessions', async () => {
    const owner = await login(withEmail('local-userpass', 'up-1', 'ada@example.com', true), 0);
    await store.insertIdentity({
      id: 'f-legacy',
      providerType: 'custom-function',
      userId: owner.user.id,
      data: {},
      email: { address: 'ada@example.com', verified: false },
      createdAt: T0,
      lastLoginAt: T0,
    });
    unverifiedClaims.set('ada@example.com', 'attacker-user');
    const linked = await login(withEmail('custom-token', 'sub-1', 'ada@example.com', true));
    expect(linked.user.id).toBe(owner.user.id);
    expect(unverifiedClaims.size).toBe(0);
    expect(revoked.sort()).toEqual(['attacker-user', owner.user.id].sort());
    expect(forgotten.map((i) => i.id)).toEqual(['f-legacy']);
    expect(linked.identities!.map((i) => i.id).sort()).toEqual(['sub-1', 'up-1']);
  });

  it('revokes pending registrations of the address even when there is no user to link to', async () => {
    unverifiedClaims.set('ada@example.com', 'pending-user');
    const victim = await login(withEmail('custom-token', 'sub-1', 'ada@example.com', true));
    expect(victim.created).toBe(true);
    expect(unverifiedClaims.size).toBe(0);
    expect(revoked).toEqual(['pending-user']);
  });

  it('gives a second email/password identity a user of its own instead of linking it', async () => {
    const owner = await login(withEmail('local-userpass', 'up-1', 'old@example.com', true), 0);
    // The owner also holds a verified shared@ through another provider.
    await store.insertIdentity({
      id: 'sub-2',
      providerType: 'custom-token',
      userId: owner.user.id,
      data: {},
      email: { address: 'shared@example.com', verified: true },
      createdAt: T0,
      lastLoginAt: T0,
    });
    const second = await login(withEmail('local-userpass', 'up-2', 'shared@example.com', true));
    expect(second.user.id).not.toBe(owner.user.id);
    expect(second.created).toBe(true);
  });
});
