import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import { MongoClient, type Db, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoStore, StoreUnavailableError, type Store } from '../../src/index.js';
import { customToken, ISSUER, issuerKey } from '../support/all-providers.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { FerretDbProcess } from './ferretdb-process.js';
import { OutageLoad, type Answer } from './outage-load.js';

const PREFIX = 'auth_';
const WORKERS = 12;
const unlimited = { limit: 1_000_000 };

/** Counts the errors the store's callers see: the driver error behind each 503, the method of any other. */
function recordingErrors(store: Store, seen: Map<string, number>): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        (value as (...a: unknown[]) => Promise<unknown>).apply(target, args).catch((err: unknown) => {
          const e = err as Error;
          const name = e instanceof StoreUnavailableError ? `StoreUnavailableError(${(e.cause as Error)?.name})` : `${e?.name} from ${String(prop)}`;
          seen.set(name, (seen.get(name) ?? 0) + 1);
          throw err;
        });
    },
  });
}

/** Polls `probe` until it is true; returns how long that took, ms. */
async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = performance.now();
  while (!(await probe())) {
    if (performance.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return performance.now() - start;
}

const succeeded = (a: Answer) => a.status >= 200 && a.status < 300;
/** What a request was, whichever user it linked. */
const kindOf = (op: string) => op.replace(/^link:.*/, 'link');
/** Every kind of request the load sends while the database is down (a confirmation needs a mail first). */
const OUTAGE_KINDS = ['register', 'login:anon-user', 'login:custom-function', 'login:local-userpass', 'link', 'refresh'];
const describeAnswer = (a: Answer) => `${a.op} → ${a.status} ${JSON.stringify(a.body)}`;

function byStatus(answers: Answer[]): string {
  const counts = new Map<number, number>();
  for (const a of answers) counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${status} ×${n}`).join(', ');
}

/**
 * SPEC §4 and §8: with the database gone the service fails closed with 503, never 500 and
 * never a crash; the order of the multi-step writes leaves only states the next request
 * repairs or ignores; and the same app, with the same MongoClient, serves again once the
 * database is back.
 */
describe('a FerretDB killed (SIGKILL) under load, then restarted', () => {
  let ferret: FerretDbProcess;
  let client: MongoClient;
  let db: Db;
  let t: TestApp;
  let server: Server;
  let load: OutageLoad;
  const seen = new Map<string, number>();
  let run: { answers: Answer[]; outage: Answer[]; restartMs: number; recoveryMs: number; recovered: number };

  beforeAll(async () => {
    ferret = await FerretDbProcess.start();
    client = new MongoClient(ferret.uri, {
      // Short timeouts, so a request during the outage fails in about a second rather than 30.
      serverSelectionTimeoutMS: 500,
      connectTimeoutMS: 1_000,
      heartbeatFrequencyMS: 500,
      // A small pool, so commands wait for a connection when the kill clears it: they fail
      // with MongoPoolClearedError rather than a network error.
      maxPoolSize: 4,
    });
    db = client.db(`outage_${randomBytes(4).toString('hex')}`);
    const key = await issuerKey();
    load = new OutageLoad();
    t = createTestApp({
      store: recordingErrors(new MongoStore({ db, collectionPrefix: PREFIX }), seen),
      providers: {
        'anon-user': { rateLimit: { login: { perIp: unlimited } } },
        'local-userpass': {
          confirmation: { mode: 'email', url: 'https://app.test/confirm', send: load.send },
          hashing: { memoryCost: 1024, timeCost: 1 },
          // Every request comes from 127.0.0.1: the limits would answer 429 long before the outage.
          rateLimit: { login: { perIp: unlimited }, register: { perIp: unlimited }, token: { perIp: unlimited } },
        },
        'custom-token': { algorithms: ['EdDSA'], keys: [key.publicJwk], audience: 'app', issuer: ISSUER },
        'custom-function': {
          // 503s count as failed logins too: with the default budget the outage itself would end in 429s.
          rateLimit: { login: { perIp: unlimited, failedPerIp: unlimited, failedPerAccount: unlimited } },
          authenticate: (payload) => {
            const { employeeId } = payload as { employeeId?: unknown };
            return typeof employeeId === 'string' && load.employees.has(employeeId) ? employeeId : null;
          },
        },
      },
    });
    await t.auth.init();
    server = await new Promise<Server>((resolve) => {
      const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    load.connect(t, server);

    // The scenario; the tests below check what it left.
    load.start(WORKERS);
    await waitFor('successful answers before the outage', async () => load.count(succeeded) >= 60, 20_000);
    await ferret.kill();
    const down = performance.now();
    // Keep sending for a while: enough answers to meet every failure the driver gives, and
    // every kind of request (on a loaded machine the workers reach some kinds late).
    const kindsDuringOutage = () => new Set(load.answers.filter((a) => a.sentAt >= down).map((a) => kindOf(a.op))).size;
    await waitFor(
      'answers of every kind during the outage',
      async () => load.count((a) => a.sentAt >= down) >= 3 * WORKERS && kindsDuringOutage() === OUTAGE_KINDS.length,
      30_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const restarting = performance.now();
    await ferret.restart();
    const restartMs = performance.now() - restarting;
    // Nothing is reconnected by hand: the driver finds the server again on its own.
    const recoveryMs = await waitFor(
      'an anonymous login after the restart',
      async () => (await load.call('probe', 'POST', '/auth/providers/anon-user/login', { body: {} })).status === 200,
      30_000,
    );
    const recovered = performance.now();
    await waitFor('successful answers after the outage', async () => load.count((a) => a.sentAt >= recovered && succeeded(a)) >= 60, 20_000);
    await load.stop();
    const answers = [...load.answers];
    run = { answers, outage: answers.filter((a) => a.sentAt >= down && a.answeredAt <= restarting), restartMs, recoveryMs, recovered };
  }, 90_000);

  afterAll(async () => {
    await load?.stop();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await db?.dropDatabase().catch(() => undefined);
    await client?.close();
    await ferret?.stop();
  });

  it('answers 503 ServiceUnavailable with { error, error_code }, never 500 and never a dropped connection, while the database is down', async ({ annotate }) => {
    const { answers, outage } = run;
    await annotate(
      [
        `${answers.length} answers (${byStatus(answers)})`,
        `${outage.length} sent and answered during the outage (${byStatus(outage)})`,
        `store errors: ${[...seen].map(([name, n]) => `${name} ×${n}`).join(', ')}`,
      ].join('; '),
    );

    const unexpected = answers.filter((a) => ![200, 201, 204, 503].includes(a.status));
    const serverErrors = t.logger.lines.filter((l) => l.message.includes('unexpected error')).map((l) => String(l.meta?.['error']).split('\n')[0]);
    expect(unexpected.map(describeAnswer), `unexpected answers; logged: ${serverErrors.join('; ')}`).toEqual([]);
    for (const a of answers.filter((x) => x.status === 503)) {
      expect(a.body).toEqual({ error: expect.any(String), error_code: 'ServiceUnavailable' });
    }
    // Sent once the server was gone, answered before it came back: nothing can succeed.
    expect(outage.length).toBeGreaterThanOrEqual(WORKERS);
    expect(outage.filter((a) => a.status !== 503).map(describeAnswer)).toEqual([]);
    expect(new Set(outage.map((a) => kindOf(a.op)))).toEqual(new Set(OUTAGE_KINDS));
  });

  it('serves again once the database is back, with the same app and MongoClient', async ({ annotate }) => {
    await annotate(`first login ${Math.round(run.recoveryMs)} ms after the restart (${Math.round(run.restartMs)} ms to restart FerretDB)`);
    // Every kind of request succeeded again after the restart (waitFor bounded the wait).
    const after = run.answers.filter((a) => a.sentAt >= run.recovered && succeeded(a));
    expect(new Set(after.map((a) => kindOf(a.op)))).toEqual(
      new Set(['register', 'confirm', 'login:anon-user', 'login:custom-function', 'login:local-userpass', 'link', 'refresh']),
    );
  });

  it('leaves no half-written user, identity, session or credential, and the next login repairs what a cut-off write left', async ({ annotate }) => {
    const all = async (name: string) => db.collection(`${PREFIX}${name}`).find().toArray();
    const check = async () => {
      const users = new Map((await all('users')).map((u) => [String(u._id), u]));
      const identities = await all('identities');
      return { users, identities, sessions: await all('sessions'), userpass: await all('userpass'), tokens: await all('tokens') };
    };
    const before = await check();

    // resolve-user.ts: a first login inserts the identity, then the user. Cut off in between,
    // the identity waits for its user, which its next login creates; nothing else refers to it.
    const orphans = before.identities.filter((i) => !before.users.has(i.userId));
    for (const orphan of orphans) {
      expect(before.sessions.filter((s) => s.userId === orphan.userId)).toEqual([]);
    }
    // link-identity.ts: a link inserts the identity, then recomputes the user's providers and
    // anonymous flag. Cut off in between, the user is stale on the safe side until its next login.
    const stale = [...before.users.values()].filter((u) => !consistent(u, before.identities));
    for (const user of stale) expect(user.anonymous, JSON.stringify(user)).toBe(true);

    // Each kind of cut-off write above is repaired by logging in again with the identity.
    const repairable = [...orphans, ...before.identities.filter((i) => stale.some((u) => u._id === i.userId))].filter(
      (i) => i.providerType !== 'anon-user',
    );
    for (const identity of repairable) expect(await loginAgain(identity, before.userpass), JSON.stringify(identity)).toBe(200);

    const after = await check();
    const unrepairable = after.identities.filter((i) => !after.users.has(i.userId));
    // Only a first anonymous login can be left for good: its identity cannot log in again,
    // holds no session and is never read (each anonymous login makes a new identity).
    expect(unrepairable.filter((i) => i.providerType !== 'anon-user')).toEqual([]);
    for (const user of after.users.values()) {
      const held = after.identities.filter((i) => i.userId === user._id);
      expect(held.length, `user ${user._id} holds no identity`).toBeGreaterThanOrEqual(1);
      expect(consistent(user, after.identities), JSON.stringify({ user, held })).toBe(true);
    }
    for (const session of after.sessions) {
      expect(after.users.has(session.userId), `session ${session._id} of a missing user`).toBe(true);
      if (session.identity) {
        const identity = after.identities.find((i) => i.providerType === session.identity.providerType && i.id === session.identity.id);
        expect(identity?.userId, `session ${session._id} opened with a missing identity`).toBe(session.userId);
      }
    }

    // Credentials: well-formed; a pending one never logged in; every password identity has its credential.
    const byIdentity = new Map<string, Document>();
    for (const record of after.userpass) {
      expect(record._id).toBe(String(record._id).toLowerCase());
      expect(['pending', 'confirmed']).toContain(record.status);
      expect(record.passwordHash).toMatch(/^\$argon2id\$/);
      expect(byIdentity.has(record.identityId), `identity id ${record.identityId} on two credentials`).toBe(false);
      byIdentity.set(record.identityId, record);
      if (record.status === 'pending') {
        expect(after.identities.some((i) => i.providerType === 'local-userpass' && i.id === record.identityId)).toBe(false);
      }
    }
    for (const identity of after.identities.filter((i) => i.providerType === 'local-userpass')) {
      expect(byIdentity.get(identity.id)?.status, `credential of identity ${identity.id}`).toBe('confirmed');
    }

    // A registration or confirmation cut off by the outage leaves a pending address whose link
    // may be gone: a new link (confirm/send) confirms it, and it logs in.
    const pending = after.userpass.filter((r) => r.status === 'pending');
    for (const record of pending) {
      const email = String(record._id);
      load.mail.delete(email);
      expect((await load.call('resend', 'POST', '/auth/providers/local-userpass/confirm/send', { body: { email } })).status).toBe(204);
      const mail = load.mail.get(email)!;
      expect((await load.call('confirm', 'POST', '/auth/providers/local-userpass/confirm', { body: { token: mail.token, tokenId: mail.tokenId } })).status).toBe(204);
      const login = await load.call('login', 'POST', '/auth/providers/local-userpass/login', { body: { username: email, password: load.passwords.get(email) } });
      expect(login.status).toBe(200);
    }

    // Every session the clients still hold refreshes.
    for (const session of load.heldSessions()) {
      const res = await load.call('refresh', 'POST', '/auth/session', { token: session.refresh });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }

    const locks = after.tokens.filter((d) => String(d._id).startsWith('lock:'));
    await annotate(
      [
        `${after.users.size} users, ${after.identities.length} identities, ${after.sessions.length} sessions, ${after.userpass.length} credentials`,
        `identities without a user: ${orphans.length} (${orphans.map((o) => o.providerType).join(', ')}), ${unrepairable.length} left (anonymous)`,
        `stale users after a cut-off link: ${stale.length}`,
        `pending credentials re-confirmed: ${pending.length}`,
        `rotation locks left by the outage: ${locks.length}`,
      ].join('; '),
    );

    async function loginAgain(identity: Document, userpass: Document[]): Promise<number> {
      switch (identity.providerType) {
        case 'custom-function':
          return (await load.call('repair', 'POST', '/auth/providers/custom-function/login', { body: { employeeId: identity.id } })).status;
        case 'custom-token':
          return (await load.call('repair', 'POST', '/auth/providers/custom-token/login', { body: { token: await customToken(t, identity.id) } })).status;
        case 'local-userpass': {
          const email = String(userpass.find((r) => r.identityId === identity.id)?._id);
          const body = { username: email, password: load.passwords.get(email) };
          return (await load.call('repair', 'POST', '/auth/providers/local-userpass/login', { body })).status;
        }
        default:
          throw new Error(`no repair login for ${identity.providerType}`);
      }
    }
  }, 60_000);
});

/** Whether a user's derived fields (provider types, anonymous flag) match its identities. */
function consistent(user: Document, identities: Document[]): boolean {
  const held = identities.filter((i) => i.userId === user._id);
  const types = [...new Set(held.map((i) => i.providerType as string))].sort();
  const anonymous = held.length > 0 && held.every((i) => i.providerType === 'anon-user');
  return JSON.stringify([...(user.providers ?? [])].sort()) === JSON.stringify(types) && user.anonymous === anonymous;
}
