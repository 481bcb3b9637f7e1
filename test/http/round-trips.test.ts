import { readFileSync } from 'node:fs';
import { MongoClient } from 'mongodb';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MongoStore } from '../../src/index.js';
import {
  allProvidersApp,
  bearer,
  customToken,
  linkWith,
  loggedIn,
  loginWith,
  passwordLogin,
  registerConfirmed,
  type AllProvidersApp,
  type Tokens,
} from '../support/all-providers.js';
import { CommandLog } from '../support/commands.js';

/**
 * SPEC §8: the hot operations read and write single documents by key. Each operation's
 * commands are recorded with the driver's command monitoring on a MongoStore over HTTP, as
 * `<command> <collection> by <key>`: the key is `_id` or a unique index of the store's own
 * list when every field of it is an equality in the filter, so each command touches one
 * document on any MongoDB-compatible server (`index:…` names a non-unique index, `SCAN` none).
 * A change that adds a command or a scan fails here. docs/performance.md gives these counts.
 */

interface Operation {
  /** Sorted; with locked conditional updates (FerretDB), and with atomic ones unless `atomic` says otherwise. */
  commands: string[];
  atomic?: string[];
  /** Why the operation lists documents by a non-unique index, if it does. */
  listing?: string;
}

const sessionCheck = ['find sessions by _id', 'find users by _id'];
const knownLogin = ['findAndModify identities by _id', 'findAndModify users by _id', 'insert sessions by _id'];

const operations: Record<string, Operation> = {
  'first login, anonymous': {
    commands: ['findAndModify identities by _id', 'insert identities by _id', 'insert sessions by _id', 'insert users by _id'],
  },
  'first login, email/password': {
    commands: ['find userpass by _id', 'findAndModify identities by _id', 'insert identities by _id', 'insert sessions by _id', 'insert users by _id'],
  },
  'login of an existing identity': { commands: knownLogin },
  refresh: {
    commands: ['delete tokens by _id', 'find sessions by _id', 'find users by _id', 'findAndModify sessions by _id', 'insert tokens by _id'],
    atomic: ['find users by _id', 'findAndModify sessions by _id'],
  },
  'refresh of a session this process has not seen': {
    commands: ['delete tokens by _id', 'find sessions by _id', 'find users by _id', 'findAndModify sessions by _id', 'insert tokens by _id'],
    atomic: ['find sessions by _id', 'find users by _id', 'findAndModify sessions by _id'],
  },
  'refresh of a session that keeps its token (App Services routes)': {
    commands: ['find sessions by _id', 'find users by _id', 'update sessions by _id'],
  },
  '`requireUser({ checkSession: true })`, cache miss': { commands: sessionCheck },
  'API-key login': { commands: ['find api_keys by keyHash', ...knownLogin].sort() },
  'API-key login, `lastUsedAt` due': { commands: ['find api_keys by keyHash', 'findAndModify api_keys by _id', ...knownLogin].sort() },
  'API-key request, cache miss': { commands: ['find api_keys by keyHash', 'find users by _id'] },
  'link, session-check cache miss': {
    commands: [...sessionCheck, 'find identities by index:userId', 'find users by _id', 'findAndModify users by _id', 'insert identities by _id'].sort(),
    listing: 'the link answers the profile, which lists the user’s identities',
  },
  'logout with the refresh token': { commands: ['findAndModify sessions by _id'] },
  'logout with the access token': { commands: ['delete sessions by _id'] },
};

/** docs/performance.md's table: operation → [before, locked, atomic]. */
function documentedCounts(): Map<string, number[]> {
  const markdown = readFileSync(new URL('../../docs/performance.md', import.meta.url), 'utf8');
  const rows = [...markdown.matchAll(/^\| (.+?) \| (\d+) \| (\d+) \| (\d+) \|$/gm)];
  return new Map(rows.map((m) => [m[1]!, [Number(m[2]), Number(m[3]), Number(m[4])]]));
}

it('docs/performance.md gives these counts', () => {
  const documented = documentedCounts();
  expect([...documented.keys()]).toEqual(Object.keys(operations));
  for (const [name, op] of Object.entries(operations)) {
    expect(documented.get(name)?.slice(1), name).toEqual([op.commands.length, (op.atomic ?? op.commands).length]);
  }
});

describe.each([
  { path: 'locked', atomicUpdates: false },
  { path: 'atomic', atomicUpdates: true },
])('database commands per operation, $path conditional updates', ({ path, atomicUpdates }) => {
  const client = new MongoClient(inject('mongoUri'), { monitorCommands: true });
  const db = client.db(`t_round_trips_${path}_${process.pid}`);
  const log = new CommandLog(client, 'rt_');
  const sent: Record<string, string[]> = {};
  let t: AllProvidersApp;

  /** Records what `op` sends, once the caches it could hit have expired. */
  async function measure<T>(name: keyof typeof operations, op: () => Promise<T>): Promise<T> {
    t.clock.advance(10);
    let result: T;
    sent[name] = await log.during(async () => (result = await op()));
    return result!;
  }

  beforeAll(async () => {
    t = await allProvidersApp(new MongoStore({ db, collectionPrefix: 'rt_', atomicUpdates }));
    t.app.get('/machine', t.auth.requireUser({ apiKeys: true }), (req, res) => void res.json({ user: req.user }));
    t.app.use(t.auth.appServicesRouter({ appId: 'app' }));
    await t.auth.init();

    await measure('first login, anonymous', () => loginWith(t, 'anon-user', {}).then(loggedIn));
    await registerConfirmed(t, 'ada@example.com', 'a long passphrase');
    await measure('first login, email/password', () => passwordLogin(t, 'ada@example.com', 'a long passphrase').then(loggedIn));

    t.employees.add('e1');
    await loginWith(t, 'custom-function', { employeeId: 'e1' }).then(loggedIn);
    let tokens: Tokens = await measure('login of an existing identity', () => loginWith(t, 'custom-function', { employeeId: 'e1' }).then(loggedIn));
    tokens = await measure('refresh', () => request(t.app).post('/auth/session').set(bearer(tokens.refresh_token)).expect(200).then((r) => r.body));
    // Another instance on the same store: it has not seen the session.
    const elsewhere = await allProvidersApp(t.auth.store);
    await elsewhere.auth.init();
    const { refresh_token } = await measure('refresh of a session this process has not seen', () =>
      request(elsewhere.app).post('/auth/session').set(bearer(tokens.refresh_token)).expect(200).then((r) => r.body),
    );
    tokens = (await request(t.app).post('/auth/session').set(bearer(refresh_token)).expect(200)).body;
    const kept = (await request(t.app).post('/api/client/v2.0/app/app/auth/providers/custom-function/login').send({ employeeId: 'e1' }).expect(200)).body;
    await measure('refresh of a session that keeps its token (App Services routes)', () =>
      request(t.app).post('/api/client/v2.0/auth/session').set(bearer(kept.refresh_token)).expect(200),
    );
    await measure('`requireUser({ checkSession: true })`, cache miss', () => request(t.app).get('/live').set(bearer(tokens.access_token)).expect(200));

    const { key } = (await request(t.app).post('/auth/api_keys').set(bearer(tokens.access_token)).send({ name: 'k' }).expect(201)).body;
    await measure('API-key login, `lastUsedAt` due', () => loginWith(t, 'api-key', { key }).then(loggedIn));
    await measure('API-key login', () => loginWith(t, 'api-key', { key }).then(loggedIn));
    await measure('API-key request, cache miss', () => request(t.app).get('/machine').set('Authorization', `ApiKey ${key}`).expect(200));

    const body = { token: await customToken(t, 'sub-1') };
    await measure('link, session-check cache miss', () => linkWith(t, tokens.access_token, 'custom-token', body).expect(200));
    await measure('logout with the refresh token', () => request(t.app).delete('/auth/session').set(bearer(tokens.refresh_token)).expect(204));
    const other = await loginWith(t, 'custom-function', { employeeId: 'e1' }).then(loggedIn);
    await measure('logout with the access token', () => request(t.app).delete('/auth/session').set(bearer(other.access_token)).expect(204));
  });

  afterAll(async () => {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  });

  describe.each(Object.entries(operations))('%s', (name, op) => {
    it('sends exactly the commands listed', () => {
      expect(sent[name]).toEqual((atomicUpdates && op.atomic) || op.commands);
    });

    it('filters each on _id or a unique index (or lists by an index, where it must)', () => {
      const scans = sent[name]!.filter((c) => c.endsWith(' by SCAN'));
      const listings = sent[name]!.filter((c) => c.includes(' by index:'));
      expect(scans).toEqual([]);
      expect(listings.length).toBe(op.listing ? 1 : 0);
    });
  });
});
