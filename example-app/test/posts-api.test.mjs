// The posts API over HTTP, in-process: who may read, who may publish, what a post must be.
//   npm test                                        (MemoryStore)
//   MONGODB_URI=mongodb://127.0.0.1:27017/ npm test  (also MongoStore and the posts collection)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createAuth, MemoryStore, MongoStore } from 'express-auth-providers';
import { createApp } from '../lib/app.js';
import { MemoryPosts, MongoPosts } from '../lib/posts.js';

const quiet = { info() {}, warn() {}, error() {} };
const SEEDED_TITLES = ['Welcome to the newsroom', 'How reading works', 'Journalists wanted'];

const storages = [
  { name: 'MemoryStore', open: async () => ({ store: new MemoryStore(), posts: new MemoryPosts(), close: async () => {} }) },
];
if (process.env.MONGODB_URI) {
  storages.push({
    name: 'MongoStore',
    async open() {
      const { MongoClient } = await import('mongodb');
      const client = await MongoClient.connect(process.env.MONGODB_URI);
      const db = client.db(`example_app_api_${randomBytes(4).toString('hex')}`);
      const posts = new MongoPosts(db);
      await posts.init();
      return {
        store: new MongoStore({ db }),
        posts,
        close: async () => {
          await db.dropDatabase();
          await client.close();
        },
      };
    },
  });
}

for (const storage of storages) {
  describe(`posts API on ${storage.name}`, () => {
    let opened;
    let auth;
    let server;
    let base;

    before(async () => {
      opened = await storage.open();
      auth = createAuth({ store: opened.store, providers: { 'anon-user': {} }, logger: quiet });
      await auth.init();
      server = createApp({ auth, posts: opened.posts }).listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      base = `http://127.0.0.1:${server.address().port}`;
    });
    after(async () => {
      server?.closeAllConnections();
      await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
      await opened?.close();
    });

    const call = async (path, { token, ...init } = {}) => {
      const headers = { ...init.headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) };
      const res = await fetch(`${base}${path}`, { ...init, headers });
      return { status: res.status, body: await res.json() };
    };
    const publish = (token, body, headers = { 'Content-Type': 'application/json' }) =>
      call('/api/posts', { method: 'POST', token, headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

    const anonymousReader = async () => (await call('/auth/providers/anon-user/login', { method: 'POST' })).body;

    // Until a journalist provider exists, a journalist is an anonymous user given a
    // local-userpass identity straight in the store; the refresh then mints a token that says so.
    const journalist = async (email) => {
      const tokens = await anonymousReader();
      const now = new Date();
      await auth.store.insertIdentity({
        id: `ident-${randomBytes(6).toString('hex')}`,
        providerType: 'local-userpass',
        userId: tokens.user_id,
        data: { email },
        createdAt: now,
        lastLoginAt: now,
      });
      await auth.store.updateUser(tokens.user_id, { anonymous: false, data: { email } });
      const refreshed = await call('/auth/session', { method: 'POST', token: tokens.refresh_token });
      assert.equal(refreshed.status, 200);
      return { id: tokens.user_id, token: refreshed.body.access_token };
    };

    describe('GET /api/posts', () => {
      test('lists the seeded posts, newest first, for an anonymous reader', async () => {
        const { access_token } = await anonymousReader();
        const { status, body } = await call('/api/posts', { token: access_token });
        assert.equal(status, 200);
        assert.deepEqual(
          body.posts.map((p) => p.title),
          SEEDED_TITLES,
        );
        assert.deepEqual(Object.keys(body.posts[0]).sort(), ['author', 'author_id', 'body', 'created_at', 'id', 'title']);
      });

      test('refuses a request without a token (401 MissingAuthReq) or with a bad one (401 InvalidSession)', async () => {
        assert.equal((await call('/api/posts')).body.error_code, 'MissingAuthReq');
        const bad = await call('/api/posts', { token: 'not.a.token' });
        assert.deepEqual([bad.status, bad.body.error_code], [401, 'InvalidSession']);
      });
    });

    describe('POST /api/posts', () => {
      test('refuses an anonymous reader with 403 Forbidden and stores nothing', async () => {
        const { access_token } = await anonymousReader();
        const refused = await publish(access_token, { title: 'Scoop', body: 'Not from a journalist.' });
        assert.deepEqual(refused, {
          status: 403,
          body: { error: 'anonymous users may not access this resource', error_code: 'Forbidden' },
        });
        assert.equal((await call('/api/posts', { token: access_token })).body.posts.some((p) => p.title === 'Scoop'), false);
      });

      test('publishes a journalist’s post, trimmed, under their email, at the top of the list', async () => {
        const jane = await journalist('jane@example.com');
        const created = await publish(jane.token, { title: '  Breaking  ', body: 'Line one\nLine two', extra: 'ignored' });
        assert.equal(created.status, 201);
        assert.equal(created.body.title, 'Breaking');
        assert.equal(created.body.body, 'Line one\nLine two');
        assert.equal(created.body.author, 'jane@example.com');
        assert.equal(created.body.author_id, jane.id);
        assert.equal('extra' in created.body, false);

        const listed = await call('/api/posts', { token: jane.token });
        assert.deepEqual(listed.body.posts[0], created.body);
      });

      test('rejects a body that is not a post with 400 InvalidParameter naming the field', async () => {
        const { token } = await journalist('joe@example.com');
        const cases = [
          [{ body: 'no title' }, 'invalid title: expected a string'],
          [{ title: { $ne: null }, body: 'operator' }, 'invalid title: expected a string'],
          [{ title: 'No body', body: 42 }, 'invalid body: expected a string'],
          [{ title: '   ', body: 'blank title' }, 'invalid title: must not be empty'],
          [{ title: 'x'.repeat(121), body: 'long title' }, 'invalid title: at most 120 characters'],
          [{ title: 'Long body', body: 'x'.repeat(5001) }, 'invalid body: at most 5000 characters'],
          [['title', 'body'], 'invalid body: expected a JSON object with title and body'],
          ['{"title": "unfinished', 'the request body is not valid JSON, or not a JSON object'],
          ['"just a string"', 'the request body is not valid JSON, or not a JSON object'],
        ];
        for (const [input, error] of cases) {
          assert.deepEqual(await publish(token, input), { status: 400, body: { error, error_code: 'InvalidParameter' } }, JSON.stringify(input).slice(0, 60));
        }
        const formEncoded = await publish(token, 'title=a&body=b', { 'Content-Type': 'application/x-www-form-urlencoded' });
        assert.deepEqual(formEncoded.body.error_code, 'InvalidParameter');
        assert.equal((await call('/api/posts', { token })).body.posts.some((p) => p.author === 'joe@example.com'), false);
      });

      test('rejects a body over 16 KiB with 413 BodyTooLarge', async () => {
        const { token } = await journalist('big@example.com');
        const res = await publish(token, { title: 'Huge', body: 'x'.repeat(17 * 1024) });
        assert.deepEqual(res, { status: 413, body: { error: 'the request body is too large', error_code: 'BodyTooLarge' } });
      });
    });

    test('answers an unknown API route with 404 JSON', async () => {
      const res = await call('/api/nothing');
      assert.deepEqual(res, { status: 404, body: { error: 'no route for GET /api/nothing', error_code: 'NotFound' } });
    });
  });
}
