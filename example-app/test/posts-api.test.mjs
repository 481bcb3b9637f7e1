// The posts API over HTTP, in-process: who may read, who may publish, what a post must be.
//   npm test                                        (MemoryStore)
//   MONGODB_URI=mongodb://127.0.0.1:27017/ npm test  (also MongoStore and the posts collection)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startNewsroom, storages } from './support/api.mjs';

const SEEDED_TITLES = ['Welcome to the newsroom', 'How reading works', 'Journalists wanted'];
const JOURNALIST_ONLY = 'requires an identity from local-userpass or oauth2-google or oauth2-facebook or oauth2-apple';

for (const storage of storages) {
  describe(`posts API on ${storage.name}`, () => {
    let app;
    before(async () => {
      app = await startNewsroom(storage);
    });
    after(() => app?.close());

    const publish = (token, body, headers = { 'Content-Type': 'application/json' }) =>
      app.call('/api/posts', { method: 'POST', token, headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

    describe('GET /api/posts', () => {
      test('lists the seeded posts, newest first, for an anonymous reader', async () => {
        const { access_token } = await app.reader();
        const { status, body } = await app.call('/api/posts', { token: access_token });
        assert.equal(status, 200);
        assert.deepEqual(body.posts.map((p) => p.title), SEEDED_TITLES);
        assert.deepEqual(Object.keys(body.posts[0]).sort(), ['author', 'author_id', 'body', 'created_at', 'id', 'title']);
      });

      test('refuses a request without a token (401 MissingAuthReq) or with a bad one (401 InvalidSession)', async () => {
        assert.equal((await app.call('/api/posts')).body.error_code, 'MissingAuthReq');
        const bad = await app.call('/api/posts', { token: 'not.a.token' });
        assert.deepEqual([bad.status, bad.body.error_code], [401, 'InvalidSession']);
      });
    });

    describe('POST /api/posts', () => {
      test('refuses an anonymous reader with 403 Forbidden (journalists only) and stores nothing', async () => {
        const { access_token } = await app.reader();
        const refused = await publish(access_token, { title: 'Scoop', body: 'Not from a journalist.' });
        assert.deepEqual(refused.status, 403);
        assert.deepEqual(refused.body, { error: JOURNALIST_ONLY, error_code: 'Forbidden' });
        assert.equal((await app.call('/api/posts', { token: access_token })).body.posts.some((p) => p.title === 'Scoop'), false);
      });

      test('publishes a journalist’s post, trimmed, under their email, at the top of the list', async () => {
        const jane = await app.journalist('jane@example.com');
        const created = await publish(jane.token, { title: '  Breaking  ', body: 'Line one\nLine two', extra: 'ignored' });
        assert.equal(created.status, 201);
        assert.equal(created.body.title, 'Breaking');
        assert.equal(created.body.body, 'Line one\nLine two');
        assert.equal(created.body.author, 'jane@example.com');
        assert.equal(created.body.author_id, jane.id);
        assert.equal('extra' in created.body, false);
        assert.deepEqual((await app.call('/api/posts', { token: jane.token })).body.posts[0], created.body);
      });

      test('refuses a journalist whose session ended (the publish route checks it), even with an unexpired access token', async () => {
        const joan = await app.journalist('joan@example.com');
        assert.equal((await app.call('/auth/session', { method: 'DELETE', token: joan.refresh })).status, 204);
        const refused = await publish(joan.token, { title: 'Late', body: 'After logout.' });
        assert.deepEqual([refused.status, refused.body.error_code], [401, 'InvalidSession']);
      });

      test('rejects a body that is not a post with 400 InvalidParameter naming the field', async () => {
        const { token } = await app.journalist('joe@example.com');
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
          const res = await publish(token, input);
          assert.deepEqual([res.status, res.body], [400, { error, error_code: 'InvalidParameter' }], JSON.stringify(input).slice(0, 60));
        }
        const formEncoded = await publish(token, 'title=a&body=b', { 'Content-Type': 'application/x-www-form-urlencoded' });
        assert.deepEqual(formEncoded.body.error_code, 'InvalidParameter');
        assert.equal((await app.call('/api/posts', { token })).body.posts.some((p) => p.author === 'joe@example.com'), false);
      });

      test('rejects a body over 16 KiB with 413 BodyTooLarge', async () => {
        const { token } = await app.journalist('big@example.com');
        const res = await publish(token, { title: 'Huge', body: 'x'.repeat(17 * 1024) });
        assert.deepEqual([res.status, res.body], [413, { error: 'the request body is too large', error_code: 'BodyTooLarge' }]);
      });
    });

    describe('with an API key (Authorization: ApiKey)', () => {
      test('a journalist’s key reads and publishes as them; disabled or deleted, it is refused', async () => {
        const kim = await app.journalist('kim@example.com');
        const created = await app.call('/auth/api_keys', { method: 'POST', token: kim.token, json: { name: 'ci' } });
        assert.equal(created.status, 201);
        const { key, _id: id } = created.body;
        assert.equal((await app.call('/api/posts', { key })).status, 200);
        const post = await app.call('/api/posts', { method: 'POST', key, json: { title: 'By key', body: 'From a script.' } });
        assert.deepEqual([post.status, post.body.author, post.body.author_id], [201, 'kim@example.com', kim.id]);

        assert.equal((await app.call(`/auth/api_keys/${id}/disable`, { method: 'PUT', token: kim.token })).status, 204);
        assert.deepEqual((await app.call('/api/posts', { key })).body.error_code, 'AuthError');
        assert.equal((await app.call(`/auth/api_keys/${id}/enable`, { method: 'PUT', token: kim.token })).status, 204);
        assert.equal((await app.call('/api/posts', { key })).status, 200);
        assert.equal((await app.call(`/auth/api_keys/${id}`, { method: 'DELETE', token: kim.token })).status, 204);
        assert.equal((await app.call('/api/posts', { key })).status, 401);
      });

      test('an anonymous reader cannot make one', async () => {
        const { access_token } = await app.reader();
        const res = await app.call('/auth/api_keys', { method: 'POST', token: access_token, json: { name: 'sneaky' } });
        assert.equal(res.status, 403);
      });
    });

    test('answers an unknown API route with 404 JSON', async () => {
      const res = await app.call('/api/nothing');
      assert.deepEqual([res.status, res.body], [404, { error: 'no route for GET /api/nothing', error_code: 'NotFound' }]);
    });
  });
}
