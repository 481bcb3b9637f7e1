import { describe, expect, it } from 'vitest';
import { parseRefreshToken } from '../../src/tokens/refresh-token.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { listen } from '../support/listen.js';
import { storeCases } from '../support/stores.js';

interface Tokens {
  access_token: string;
  refresh_token?: string;
  user_id: string;
}

const unlimited = { limit: 1_000_000 };

/**
 * Refresh-token rotation under concurrency, over real sockets: every refresh is in flight at
 * once and the server interleaves them. On MongoStore over FerretDB the rotations take the lock
 * path (its conditional updates are not atomic); on MemoryStore the atomic one. The MongoClient
 * keeps 10 connections, as a deployment bounds its pool: FerretDB's SQLite backend answers
 * "database is locked" when a hundred connections write at once, and scans a collection per
 * write, which makes the 1,000 sessions take about a minute there.
 */
describe.each(storeCases('refresh_concurrency', { client: { maxPoolSize: 10 } }))('concurrent refreshes on $name', ({ make }) => {
  async function serve() {
    const t = createTestApp({ store: make(), providers: { 'anon-user': { rateLimit: { login: { perIp: unlimited } } } } });
    const origin = await listen(t.app);
    const post = async (path: string, token?: string) => {
      const res = await fetch(`${origin}/auth${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: '{}',
      });
      return { status: res.status, body: (await res.json()) as Tokens };
    };
    return { t, post };
  }

  /** The refresh token a session holds now is this one (by its stored hash). */
  const holds = async (t: TestApp, token: string) =>
    (await t.auth.store.getSession(token.split('.')[0]!, t.clock.now()))?.refreshHash === parseRefreshToken(token)!.hash;

  it('rotates 1,000 distinct sessions at once: each answers its successor, and none is lost or duplicated', { timeout: 180_000 }, async () => {
    const { t, post } = await serve();
    const logins: Tokens[] = [];
    for (let batch = 0; batch < 20; batch++) {
      logins.push(...(await Promise.all(Array.from({ length: 50 }, () => post('/providers/anon-user/login')))).map((r) => r.body));
    }
    t.clock.advance(60);

    const refreshed = await Promise.all(logins.map((login) => post('/session', login.refresh_token)));
    expect(refreshed.filter((r) => r.status !== 200 || !r.body.refresh_token)).toEqual([]);
    const successors = refreshed.map((r) => r.body.refresh_token!);
    expect(new Set(successors).size).toBe(1000);
    expect(successors.map((token) => token.split('.')[0])).toEqual(logins.map((login) => login.refresh_token!.split('.')[0]));
    // Each session holds the successor it answered: none lost to a concurrent write, none rotated twice.
    expect((await Promise.all(successors.map((token) => holds(t, token)))).filter((held) => !held)).toEqual([]);
  });

  it('answers the same token sent 20 times at once with exactly one successor, and access tokens only to the others', async () => {
    const { t, post } = await serve();
    const login = (await post('/providers/anon-user/login')).body;
    t.clock.advance(60);

    const answers = await Promise.all(Array.from({ length: 20 }, () => post('/session', login.refresh_token)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    for (const a of answers) expect(a.body.access_token).toEqual(expect.any(String));
    const successors = answers.map((a) => a.body.refresh_token).filter((token) => token !== undefined);
    expect(successors).toHaveLength(1);
    expect(await holds(t, successors[0]!)).toBe(true);

    // The successor is the one live token: it rotates, and the original is a reuse after the grace period.
    t.clock.advance(60);
    const after = await post('/session', successors[0]);
    expect([after.status, typeof after.body.refresh_token]).toEqual([200, 'string']);
    expect((await post('/session', login.refresh_token)).status).toBe(401);
    expect(await t.auth.store.listSessions(login.user_id, t.clock.now())).toEqual([]);
  });
});
