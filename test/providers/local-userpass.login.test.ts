import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { verifyLogin } from '../../src/providers/local-userpass/login.js';
import { PasswordHasher } from '../../src/providers/local-userpass/password-hasher.js';
import { UserpassTokens } from '../../src/providers/local-userpass/one-time-tokens.js';
import type { UserpassDeps } from '../../src/providers/local-userpass/deps.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { useTestDb } from '../support/mongo.js';
import { MemoryLogger } from '../support/app.js';
import { login, register, signedIn, storeCases, strongPassword, userpassApp } from './local-userpass.support.js';

const db = useTestDb('userpass_login');

describe.each(storeCases(db))('local-userpass login (%s)', (_name, makeStore) => {
  describe('enumeration', () => {
    it('answers an unknown email and a wrong password with the same status, body and code', async () => {
      const t = userpassApp(makeStore());
      await signedIn(t, 'known@example.com', strongPassword());
      const wrong = await login(t, 'known@example.com', strongPassword());
      const unknown = await login(t, 'unknown@example.com', strongPassword());
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual({ error: 'invalid username/password', error_code: 'InvalidPassword' });
      expect(unknown.body).toEqual(wrong.body);
      const headers = (r: typeof wrong) => ({ type: r.headers['content-type'], cache: r.headers['cache-control'] });
      expect(headers(unknown)).toEqual(headers(wrong));
    });

    it('says UserPending only to someone who has the password', async () => {
      const t = userpassApp(makeStore());
      const password = strongPassword();
      await register(t, 'pending@example.com', password);
      expect((await login(t, 'pending@example.com', strongPassword())).body.error_code).toBe('InvalidPassword');
      expect((await login(t, 'pending@example.com', password)).body.error_code).toBe('UserPending');
    });
  });

  describe('the login body', () => {
    it('rejects a missing password with 400, and never reads credentials from the query string', async () => {
      const t = userpassApp(makeStore());
      const missing = await request(t.app)
        .post('/auth/providers/local-userpass/login?username=a@example.com&password=Kx7-abcdefgh12')
        .send({});
      expect(missing.status).toBe(400);
      expect(missing.body.error_code).toBe('InvalidParameter');
      const empty = await login(t, 'a@example.com', '');
      expect(empty.status).toBe(400);
    });

    it('accepts App Services’ device options beside the credentials', async () => {
      const t = userpassApp(makeStore());
      const password = strongPassword();
      await signedIn(t, 'device@example.com', password);
      const res = await request(t.app)
        .post('/auth/providers/local-userpass/login')
        .send({ username: 'device@example.com', password, options: { device: { platform: 'web', sdkVersion: '2.0.1' } } });
      expect(res.status).toBe(200);
    });
  });

  describe('accounts', () => {
    it('logs in to the same user every time, with one local-userpass identity', async () => {
      const t = userpassApp(makeStore());
      const password = strongPassword();
      const first = await signedIn(t, 'same@example.com', password);
      const second = await login(t, 'same@example.com', password);
      expect(second.body.user_id).toBe(first.user_id);
      const identities = await t.store.listIdentities(first.user_id);
      expect(identities).toHaveLength(1);
      expect(identities[0]).toMatchObject({ providerType: 'local-userpass', data: { email: 'same@example.com' } });
    });

    it('repairs a credential whose identity was never created (a crash after registration): the login creates it', async () => {
      const t = userpassApp(makeStore());
      const password = 'lantern-ocean-Kx7-5512';
      const hasher = new PasswordHasher({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
      const now = t.clock.now();
      await t.store.insertUserpass({
        email: 'orphan@example.com',
        identityId: 'orphan-identity',
        passwordHash: await hasher.hash(password),
        status: 'confirmed',
        createdAt: now,
        updatedAt: now,
      });
      const res = await login(t, 'orphan@example.com', password);
      expect(res.status).toBe(200);
      expect(await t.store.getIdentity('local-userpass', 'orphan-identity')).toMatchObject({ userId: res.body.user_id });
      expect(await t.store.getUser(res.body.user_id)).toMatchObject({ data: { email: 'orphan@example.com' }, anonymous: false });
    });

    it('refuses a disabled user with 403 UserDisabled', async () => {
      const t = userpassApp(makeStore());
      const password = strongPassword();
      const { user_id } = await signedIn(t, 'disabled@example.com', password);
      await t.store.updateUser(user_id, { disabled: true });
      const res = await login(t, 'disabled@example.com', password);
      expect(res.status).toBe(403);
      expect(res.body.error_code).toBe('UserDisabled');
    });

    it('forgets the credential when the user deletes the account: the password stops working and the address is free', async () => {
      const t = userpassApp(makeStore());
      const password = strongPassword();
      const { access_token } = await signedIn(t, 'leaving@example.com', password);
      expect((await request(t.app).delete('/auth/delete').set('Authorization', `Bearer ${access_token}`)).status).toBe(204);
      expect(await t.store.getUserpass('leaving@example.com')).toBeNull();
      expect((await login(t, 'leaving@example.com', password)).body.error_code).toBe('InvalidPassword');
      await register(t, 'leaving@example.com', strongPassword());
      expect(t.mailbox.existing).toEqual([]);
    });
  });
});

describe('verifyLogin', () => {
  /** A confirmed credential for v@example.com; returns its password. */
  async function confirmedAccount(deps: ReturnType<typeof memoryDeps>) {
    const password = 'lantern-ocean-Kx7-5512';
    const now = new Date();
    await deps.ctx.store.insertUserpass({
      email: 'v@example.com',
      identityId: 'identity-v',
      passwordHash: await deps.hasher.hash(password),
      status: 'confirmed',
      createdAt: now,
      updatedAt: now,
    });
    return password;
  }

  it('vouches for the email as verified and carries it as identity data', async () => {
    const deps = memoryDeps('email');
    const password = await confirmedAccount(deps);
    expect(await verifyLogin(deps, ' V@Example.com', password)).toEqual({
      providerType: 'local-userpass',
      id: 'identity-v',
      data: { email: 'v@example.com' },
      email: { address: 'v@example.com', verified: true },
    });
  });

  it('does not vouch for an email confirmed by `auto` mode, which never proved the mailbox', async () => {
    const deps = memoryDeps('auto');
    const password = await confirmedAccount(deps);
    expect((await verifyLogin(deps, 'v@example.com', password)).email).toEqual({ address: 'v@example.com', verified: false });
  });
});

/** Just what verifyLogin reads. */
function memoryDeps(confirmation: 'email' | 'auto'): UserpassDeps {
  const store = new MemoryStore();
  const now = () => new Date();
  return {
    ctx: { store, now, logger: new MemoryLogger() } as unknown as UserpassDeps['ctx'],
    options: { password: { minLength: 8, maxLength: 128, blocklist: [] }, confirmation: { mode: confirmation } } as unknown as UserpassDeps['options'],
    hasher: new PasswordHasher({ memoryCost: 19_456, timeCost: 2, parallelism: 1 }),
    tokens: new UserpassTokens(store, now),
  };
}
