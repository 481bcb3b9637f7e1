/** importAppServicesUsers: what an App Services user becomes here, and what is refused, on both stores. */
import { Readable } from 'node:stream';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { importAppServicesUsers, type ImportProblem, type Store } from '../../src/index.js';
import { allProvidersApp, type AllProvidersApp } from '../support/all-providers.js';
import { exportUser, objectId } from '../support/app-services-export.js';
import { storeCases } from '../support/stores.js';

const source = (docs: unknown[]) => Readable.from([JSON.stringify(docs)]);
const lines = (docs: unknown[]) => Readable.from(docs.map((d) => `${JSON.stringify(d)}\n`));

describe.each(storeCases('import_users'))('importAppServicesUsers ($name)', ({ make }) => {
  let store: Store;
  let t: AllProvidersApp;
  let problems: ImportProblem[];
  beforeEach(async () => {
    store = make();
    t = await allProvidersApp(store);
    problems = [];
  });
  const run = (docs: unknown[], format: typeof source = source) =>
    importAppServicesUsers({ store, source: format(docs), onProblem: (p) => void problems.push(p), now: t.clock.now });

  describe('email/password users', () => {
    it('imports them ready for a password reset: no password logs in until a reset sets one', async () => {
      const doc = exportUser(0);
      expect(await run([doc])).toMatchObject({ imported: 1, awaitingPasswordReset: 1 });
      const login = await request(t.app).post('/auth/providers/local-userpass/login').send({ username: 'user0@example.com', password: 'anything-at-all-1' });
      expect(login.status).toBe(401);
      expect(login.body.error_code).toBe('InvalidPassword');

      expect((await request(t.app).post('/auth/providers/local-userpass/reset/send').send({ email: 'user0@example.com' })).status).toBe(204);
      const { token, tokenId } = t.mail.findLast((m) => m.email === 'user0@example.com')!;
      const reset = await request(t.app).post('/auth/providers/local-userpass/reset').send({ token, tokenId, password: 'a-new-password-42' });
      expect(reset.status).toBe(204);
      const after = await request(t.app).post('/auth/providers/local-userpass/login').send({ username: 'User0@Example.com', password: 'a-new-password-42' });
      expect(after.status).toBe(200);
      expect(after.body.user_id).toBe(objectId(0));
    });

    it('keys the credential by the normalised email, and takes it from data.email when provider_data has none', async () => {
      const doc = { _id: objectId(7), identities: [{ id: objectId(7, 1), provider_type: 'local-userpass' }], data: { email: ' Mixed@Example.COM ' } };
      expect(await run([doc])).toMatchObject({ imported: 1 });
      expect((await store.getUserpass('mixed@example.com'))?.identityId).toBe(objectId(7, 1));
    });
  });

  describe('ids and fields', () => {
    it('accepts Extended JSON ids and dates, as mongoexport writes them, and NDJSON', async () => {
      const doc = {
        _id: { $oid: objectId(8) },
        identities: [{ id: 'sub-8', provider_type: 'custom-token' }],
        creation_date: { $date: '2024-01-02T03:04:05Z' },
        last_authentication_date: { $numberLong: '1706000000' },
      };
      expect(await run([doc], lines)).toMatchObject({ imported: 1, failed: 0 });
      expect(await store.getUser(objectId(8))).toMatchObject({ createdAt: new Date('2024-01-02T03:04:05Z'), lastAuthAt: new Date(1706000000 * 1000) });
    });

    it('leaves API key identities behind and counts them', async () => {
      expect(await run([exportUser(5)])).toMatchObject({ imported: 1, apiKeysLeft: 1 });
      expect((await store.listIdentities(objectId(5))).map((i) => i.providerType)).toEqual(['custom-token']);
      expect((await store.getUser(objectId(5)))?.providers).toEqual(['custom-token']);
    });
  });

  describe('records it cannot import', () => {
    it('reports each by index, user id and reason, and imports the rest', async () => {
      const summary = await run([
        exportUser(1),
        { _id: objectId(20), identities: [{ id: 'k', provider_type: 'api-key' }], type: 'server' },
        { _id: objectId(21), identities: [{ id: 'x', provider_type: 'custom-token', provider_data: { 'a.b': 1 } }] },
        { _id: objectId(22), identities: [{ id: 'x', provider_type: 'anon-user' }], disabled: 'no' },
        { _id: objectId(23), identities: [{ id: 'x', provider_type: 'system' }] },
        exportUser(2),
      ]);
      expect(summary).toMatchObject({ read: 6, imported: 2, failed: 4 });
      expect(problems.map((p) => [p.index, p.userId])).toEqual([
        [1, objectId(20)],
        [2, objectId(21)],
        [3, objectId(22)],
        [4, objectId(23)],
      ]);
      expect(problems[0]!.reason).toMatch(/server API key user/);
      expect(problems[1]!.reason).toMatch(/provider_data/);
      expect(problems[2]!.reason).toMatch(/^disabled/);
      expect(problems[3]!.reason).toMatch(/"system" is not a provider/);
      expect(await store.getUser(objectId(20))).toBeNull();
    });

    it('refuses a user whose identity another user already holds, writing nothing for it', async () => {
      t.employees.add('emp-2');
      const native = await request(t.app).post('/auth/providers/custom-function/login').send({ employeeId: 'emp-2' });
      expect(native.status).toBe(200);
      const summary = await run([exportUser(2)]);
      expect(summary).toMatchObject({ imported: 0, failed: 1 });
      expect(problems[0]!.reason).toMatch(new RegExp(`belongs to another user \\(${native.body.user_id}\\)`));
      expect(await store.getUser(objectId(2))).toBeNull();
      expect((await store.getIdentity('custom-function', 'emp-2'))?.userId).toBe(native.body.user_id);
    });

    it('refuses a user whose email another account registered, writing nothing for it', async () => {
      await request(t.app).post('/auth/providers/local-userpass/register').send({ email: 'user0@example.com', password: 'someone-else-999' });
      expect(await run([exportUser(0)])).toMatchObject({ imported: 0, failed: 1 });
      expect(problems[0]!.reason).toMatch(/user0@example.com is registered by another account/);
      expect(await store.getUser(objectId(0))).toBeNull();
      expect(await store.getIdentity('local-userpass', objectId(0, 1))).toBeNull();
    });

    it('imports the first of two records that claim one identity, and reports the second', async () => {
      const twin = { ...exportUser(1), _id: objectId(99) };
      expect(await run([exportUser(1), twin])).toMatchObject({ imported: 1, failed: 1 });
      expect(problems).toEqual([expect.objectContaining({ index: 1, userId: objectId(99) })]);
    });
  });

  describe('running it again', () => {
    it('changes nothing, and completes a user that a run cut short left part-written', async () => {
      const docs = [0, 1, 2, 3, 4, 5].map(exportUser);
      expect(await run(docs)).toMatchObject({ imported: 6 });
      await store.deleteUserpass('user4@example.com'); // as if the first run stopped before it
      const before = await store.getUser(objectId(0));
      expect(await run(docs)).toMatchObject({ imported: 1, unchanged: 5, failed: 0, awaitingPasswordReset: 2 });
      expect(await store.getUser(objectId(0))).toEqual(before);
      expect((await store.getUserpass('user4@example.com'))?.identityId).toBe(objectId(4, 1));
    });

    it('answers a repeated record within one export as already there', async () => {
      expect(await run([exportUser(3), exportUser(3)])).toMatchObject({ imported: 1, unchanged: 1, failed: 0 });
    });
  });

  it('reads the export in batches: a store call never carries more than one batch', async () => {
    const sizes: number[] = [];
    const counting = new Proxy(store, {
      get: (target, prop, receiver) =>
        prop === 'insertMany'
          ? (records: Parameters<Store['insertMany']>[0]) => (sizes.push(records.users.length), target.insertMany(records))
          : Reflect.get(target, prop, receiver),
    });
    const docs = Array.from({ length: 25 }, (_, n) => exportUser(n));
    await importAppServicesUsers({ store: counting, source: source(docs), batchSize: 10 });
    expect(sizes).toEqual([10, 10, 5]);
  });

  it('refuses a bad batchSize with a TypeError naming it', async () => {
    await expect(importAppServicesUsers({ store, source: source([]), batchSize: 0 })).rejects.toThrow(/options\.batchSize/);
  });
});
