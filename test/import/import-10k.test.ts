/**
 * A generated export of 10,000 users with mixed identities, imported, imported again (nothing
 * changes), with malformed records reported; afterwards its users log in with their old ids.
 */
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { importAppServicesUsers, type ImportProblem, type Store } from '../../src/index.js';
import { allProvidersApp, customToken, type AllProvidersApp } from '../support/all-providers.js';
import { exportUser, MALFORMED, objectId, writeExport } from '../support/app-services-export.js';
import { storeCases } from '../support/stores.js';

const COUNT = 10_000;

describe.each(storeCases('import_10k'))('importing 10,000 App Services users ($name)', ({ make }) => {
  let store: Store;
  let file: Awaited<ReturnType<typeof writeExport>>;
  let t: AllProvidersApp;
  const problems: ImportProblem[] = [];
  beforeAll(async () => {
    store = make();
    file = await writeExport(COUNT, { malformedEvery: 1000 });
    t = await allProvidersApp(store);
  });

  it('imports every user, and reports each malformed record by its index with the reason', async () => {
    const summary = await importAppServicesUsers({ store, source: file.path, onProblem: (p) => void problems.push(p) });
    expect(summary).toMatchObject({
      read: COUNT + MALFORMED.length,
      imported: COUNT,
      unchanged: 0,
      failed: MALFORMED.length,
      awaitingPasswordReset: Math.ceil(COUNT / 6) + Math.ceil((COUNT - 4) / 6),
      apiKeysLeft: Math.floor((COUNT - 5) / 6) + 1,
    });
    expect(problems.map((p) => p.index)).toEqual(file.malformedAt);
    problems.forEach((p, i) => expect(p.reason).toMatch(MALFORMED[i]!.reason));
    expect(problems[1]!.userId).toBe(objectId(1, 9));
  }, 300_000);

  it('keeps ids, identities, data, dates and the disabled flag', async () => {
    const n = 4 + 6 * 5; // email/password plus Google
    const user = await t.auth.users.get(objectId(n));
    const source = exportUser(n);
    expect(user).toMatchObject({
      id: objectId(n),
      type: 'normal',
      data: { email: `user${n}@example.com` },
      disabled: false,
      createdAt: new Date((source['creation_date'] as number) * 1000),
      lastAuthAt: new Date((source['last_authentication_date'] as number) * 1000),
    });
    expect(user!.identities.map((i) => [i.providerType, i.id]).sort()).toEqual([
      ['local-userpass', objectId(n, 1)],
      ['oauth2-google', `google-${n}`],
    ]);
    expect((await t.auth.users.get(objectId(9)))?.disabled).toBe(true);
    expect((await t.auth.users.get(objectId(3)))?.anonymous).toBe(true);
  });

  it('changes nothing when run again', async () => {
    const before = await store.getUser(objectId(42));
    const summary = await importAppServicesUsers({ store, source: file.path });
    expect(summary).toMatchObject({ read: COUNT + MALFORMED.length, imported: 0, unchanged: COUNT, failed: MALFORMED.length });
    expect(await store.getUser(objectId(42))).toEqual(before);
  }, 300_000);

  it('lets a custom-token user log in again, as the imported user id', async () => {
    const n = 1 + 6 * 7;
    const res = await request(t.app).post('/auth/providers/custom-token/login').send({ token: await customToken(t, `jwt-${n}`) });
    expect(res.status).toBe(200);
    expect(res.body.user_id).toBe(objectId(n));
  });

  it('lets a custom-function user log in again, as the imported user id', async () => {
    const n = 2 + 6 * 3;
    t.employees.add(`emp-${n}`);
    const res = await request(t.app).post('/auth/providers/custom-function/login').send({ employeeId: `emp-${n}` });
    expect(res.body.user_id).toBe(objectId(n));
  });

  it('keeps an imported disabled user out', async () => {
    const disabled = 49; // 49 % 6 === 1: a custom JWT user; 49 % 10 === 9: disabled
    const res = await request(t.app).post('/auth/providers/custom-token/login').send({ token: await customToken(t, `jwt-${disabled}`) });
    expect(res.status).toBe(403);
    expect(res.body.error_code).toBe('UserDisabled');
  });
});
