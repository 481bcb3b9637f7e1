import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EmailLinkPolicy } from '../../src/identity/email-link.js';
import { linkIdentity } from '../../src/identity/link-identity.js';
import { resolveUser } from '../../src/identity/resolve-user.js';
import { unlinkIdentity } from '../../src/identity/unlink-identity.js';
import type { VerifiedIdentity } from '../../src/identity/verified-identity.js';
import { StoreUnavailableError, type Store } from '../../src/index.js';
import { allProvidersApp, customToken, linkWith } from '../support/all-providers.js';
import { createTestApp, MemoryLogger, type TestApp } from '../support/app.js';
import { FailingStore } from '../support/failing-store.js';
import { storeCases } from '../support/stores.js';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const DAY = 86_400;
const token = (id: string): VerifiedIdentity => ({ providerType: 'custom-token', id, data: { name: id } });

/**
 * SPEC §8: no transactions, so every multi-step write is ordered for a failure between two
 * steps to leave nothing a later request trips over. Each test makes the store fail at one
 * step, then checks what users would notice, then that retrying completes the operation.
 */
describe.each(storeCases('crash'))('crash safety on $name', ({ make }) => {
  let failing: FailingStore;
  let store: Store;
  let t: TestApp;
  beforeEach(async () => {
    failing = new FailingStore(make());
    store = failing.store;
    t = createTestApp({ store, providers: { 'anon-user': { inactiveTtl: 30 * DAY } } });
  });

  async function anonLogin() {
    const res = await request(t.app).post('/auth/providers/anon-user/login').send({});
    expect(res.status).toBe(200);
    return res.body as { access_token: string; refresh_token: string; user_id: string };
  }

  describe('anonymous upgrade', () => {
    it('fails after the identity insert: the session still works as before, the sweep keeps the user, retrying completes', async () => {
      const me = await anonLogin();
      failing.failOn('updateUser');
      await expect(linkIdentity(store, me.user_id, token('t-1'), t.clock.now())).rejects.toBeInstanceOf(StoreUnavailableError);
      expect((await store.getIdentity('custom-token', 't-1'))?.userId).toBe(me.user_id);
      expect((await store.getUser(me.user_id))?.anonymous).toBe(true); // the stale flag the failure left

      // Tokens are minted from the user's record, which still says anonymous: the session
      // keeps working, on the safe side (no more access than before the link).
      const refreshed = await request(t.app).post('/auth/session').set(bearer(me.refresh_token));
      expect(refreshed.status).toBe(200);
      expect((await request(t.app).get('/members').set(bearer(refreshed.body.access_token))).status).toBe(403);

      // The sweep re-checks identities and keeps the user.
      t.clock.advance(60 * DAY);
      expect((await t.auth.sweep()).providers['anon-user']).toBe(0);
      expect(await store.getUser(me.user_id)).not.toBeNull();

      const retry = await linkIdentity(store, me.user_id, token('t-1'), t.clock.now());
      expect([retry.linked, retry.user.anonymous, retry.user.providers, retry.user.id]).toEqual([
        false,
        false,
        ['anon-user', 'custom-token'],
        me.user_id,
      ]);
    });

    it('over HTTP: a 503 after the identity insert, then the retried link answers 200 and the user is permanent', async () => {
      const app = await allProvidersApp(store);
      const me = (await request(app.app).post('/auth/providers/anon-user/login').send({})).body;
      const body = { token: await customToken(app, 'sub-1') };
      failing.failOn('updateUser');
      const failed = await linkWith(app, me.access_token, 'custom-token', body);
      expect([failed.status, failed.body.error_code]).toEqual([503, 'ServiceUnavailable']);
      const retried = await linkWith(app, me.access_token, 'custom-token', body);
      expect(retried.status).toBe(200);
      expect(retried.body.identities.map((i: { provider_type: string }) => i.provider_type)).toEqual(['anon-user', 'custom-token']);
      expect((await store.getUser(me.user_id))?.anonymous).toBe(false);
    });

    it('fails at the identity insert: nothing changed, and the user is still anonymous', async () => {
      const me = await anonLogin();
      failing.failOn('insertIdentity');
      await expect(linkIdentity(store, me.user_id, token('t-1'), t.clock.now())).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(await store.getIdentity('custom-token', 't-1')).toBeNull();
      expect((await store.getUser(me.user_id))?.anonymous).toBe(true);
    });

    it('is repaired by the next login when the flag was left stale', async () => {
      const { user } = await resolveUser(store, { providerType: 'anon-user', id: 'a-1' }, t.clock.now());
      failing.failOn('updateUser');
      await expect(linkIdentity(store, user.id, token('t-1'), t.clock.now())).rejects.toThrow();
      const again = await resolveUser(store, token('t-1'), t.clock.now());
      expect([again.user.id, again.user.anonymous]).toEqual([user.id, false]);
    });
  });

  describe('first login', () => {
    it('fails between the identity and the user: the next login of that identity creates the user under the same id', async () => {
      failing.failOn('insertUser');
      await expect(resolveUser(store, token('t-1'), t.clock.now())).rejects.toBeInstanceOf(StoreUnavailableError);
      const orphan = await store.getIdentity('custom-token', 't-1');
      expect(await store.getUser(orphan!.userId)).toBeNull();
      const retry = await resolveUser(store, token('t-1'), t.clock.now());
      expect([retry.user.id, retry.created]).toEqual([orphan!.userId, true]);
    });
  });

  describe('unlink', () => {
    it('fails after the provider forgot its records: the identity stays listed, and the next unlink removes it', async () => {
      const me = await anonLogin();
      await linkIdentity(store, me.user_id, token('t-1'), t.clock.now());
      const forgotten: string[] = [];
      const forget = async (i: { id: string }) => void forgotten.push(i.id);
      failing.failOn('deleteIdentity');
      await expect(unlinkIdentity(store, forget, me.user_id, 'custom-token', 't-1', t.clock.now())).rejects.toThrow();
      expect((await store.getIdentity('custom-token', 't-1'))?.userId).toBe(me.user_id);
      // The per-user lock was released despite the failure.
      const retry = await unlinkIdentity(store, forget, me.user_id, 'custom-token', 't-1', t.clock.now());
      expect(retry.identities.map((i) => i.providerType)).toEqual(['anon-user']);
      expect(retry.user.anonymous).toBe(true);
      expect(forgotten).toEqual(['t-1', 't-1']);
    });

    it('recovers from a lock left by a crashed unlink once it expires', async () => {
      const me = await anonLogin();
      await linkIdentity(store, me.user_id, token('t-1'), t.clock.now());
      // A holder that took the lock and died without releasing it.
      expect(await store.acquireLock(`identities:${me.user_id}`, t.clock.now(), 30_000)).not.toBeNull();
      const forget = async () => undefined;
      await expect(unlinkIdentity(store, forget, me.user_id, 'custom-token', 't-1', t.clock.now())).rejects.toMatchObject({
        code: 'Conflict',
        status: 409,
      });
      t.clock.advance(31);
      const retry = await unlinkIdentity(store, forget, me.user_id, 'custom-token', 't-1', t.clock.now());
      expect(retry.identities).toHaveLength(1);
    });
  });

  describe('delete', () => {
    // Every step in turn; the sessions are revoked twice (first, and again after the identities).
    const steps = [
      ['deleteSessionsOfUser', 1],
      ['deleteApiKeysOfUser', 1],
      ['deleteIdentitiesOfUser', 1],
      ['deleteTokensOfSubject', 1],
      ['deleteSessionsOfUser', 2],
      ['deleteUser', 1],
    ] as const;
    for (const [step, nth] of steps) {
      it(`fails at ${step} (call ${nth}): the user’s sessions no longer work, and deleting again removes everything`, async () => {
        const me = await anonLogin();
        await linkIdentity(store, me.user_id, token('t-1'), t.clock.now());
        failing.failOn(step, nth);
        await expect(t.auth.users.delete(me.user_id)).rejects.toBeInstanceOf(StoreUnavailableError);
        if (step !== 'deleteSessionsOfUser' || nth > 1) {
          expect((await request(t.app).post('/auth/session').set(bearer(me.refresh_token))).status).toBe(401);
          expect((await request(t.app).get('/live').set(bearer(me.access_token))).status).toBe(401);
        }
        expect(await t.auth.users.delete(me.user_id)).toBe(true);
        expect(await store.getUser(me.user_id)).toBeNull();
        expect(await store.listIdentities(me.user_id)).toEqual([]);
        expect(await store.listSessions(me.user_id, t.clock.now())).toEqual([]);
        expect(await store.getIdentity('custom-token', 't-1')).toBeNull();
      });
    }
  });

  describe('disable', () => {
    it('fails after the flag is set: the sessions that remain cannot refresh or pass checkSession', async () => {
      const me = await anonLogin();
      failing.failOn('deleteSessionsOfUser');
      await expect(t.auth.users.disable(me.user_id)).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(await store.listSessions(me.user_id, t.clock.now())).toHaveLength(1);
      const refresh = await request(t.app).post('/auth/session').set(bearer(me.refresh_token));
      expect([refresh.status, refresh.body.error_code]).toEqual([403, 'UserDisabled']);
      expect((await request(t.app).get('/live').set(bearer(me.access_token))).status).toBe(401);
      expect(await t.auth.users.disable(me.user_id)).toBe(true);
      expect(await store.listSessions(me.user_id, t.clock.now())).toEqual([]);
    });
  });

  describe('link by verified email', () => {
    it('fails after revoking unproven claims and before the link: the next login links', async () => {
      const owner = await resolveUser(
        store,
        { providerType: 'custom-function', id: 'f-1', email: { address: 'ada@example.com', verified: true } },
        t.clock.now(),
      );
      const pending = new Set(['ada@example.com']);
      const policy: EmailLinkPolicy = {
        providers: ['custom-token'],
        logger: new MemoryLogger(),
        forget: async () => undefined,
        revokeSessions: async () => 0,
        revokeUnverifiedEmail: async (address) => (pending.delete(address), []),
      };
      const victim: VerifiedIdentity = { providerType: 'custom-token', id: 'sub-1', email: { address: 'ada@example.com', verified: true } };
      failing.failOn('insertIdentity');
      await expect(resolveUser(store, victim, t.clock.now(), policy)).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(pending.size).toBe(0);
      expect(await store.getIdentity('custom-token', 'sub-1')).toBeNull();
      const retry = await resolveUser(store, victim, t.clock.now(), policy);
      expect([retry.user.id, retry.linkedByEmail]).toEqual([owner.user.id, true]);
    });
  });

  describe('hooks', () => {
    it('a throwing hook leaves the operation complete', async () => {
      const hooked = createTestApp({
        store,
        providers: { 'anon-user': {} },
        hooks: {
          onUserDeleted: () => {
            throw new Error('boom');
          },
        },
      });
      const res = await request(hooked.app).post('/auth/providers/anon-user/login').send({});
      expect(await hooked.auth.users.delete(res.body.user_id)).toBe(true);
      expect(await store.getUser(res.body.user_id)).toBeNull();
      expect(hooked.logger.text()).toContain('onUserDeleted hook failed');
    });
  });
});
