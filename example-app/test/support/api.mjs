import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MemoryStore, MongoStore } from 'express-auth-providers';
import { createApp } from '../../lib/app.js';
import { createNewsroomAuth } from '../../lib/auth.js';
import { MailOutbox } from '../../lib/mail-outbox.js';
import { MemoryPosts, MongoPosts } from '../../lib/posts.js';

export const quiet = { info() {}, warn() {}, error() {} };
export const PASSWORD = 'inverted-pyramid-1923';

/** The stores the API tests run on: MemoryStore always, MongoStore (a database of their own) with MONGODB_URI. */
export const storages = [
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

/**
 * The newsroom's app (as server.js builds it, without OAuth) listening on 127.0.0.1, and an
 * API client that speaks as scripts and mobile apps do: bearer tokens in JSON
 * (`Token-Delivery: json`), no cookies.
 */
export async function startNewsroom(storage, { adminEmails = ['editor@example.com'] } = {}) {
  const opened = await storage.open();
  const outbox = new MailOutbox(() => {});
  let base = 'http://127.0.0.1';
  const auth = createNewsroomAuth({ store: opened.store, publicUrl: 'http://127.0.0.1:1', outbox, logger: quiet });
  await auth.init();
  const app = createApp({ auth, posts: opened.posts, outbox, adminEmails: new Set(adminEmails) });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${server.address().port}`;

  /** One request: `json` is sent as the body, `token` as `Authorization: Bearer`, `key` as `ApiKey`. */
  async function call(path, { token, key, json, ...init } = {}) {
    const headers = {
      'Token-Delivery': 'json',
      ...(json !== undefined && { 'Content-Type': 'application/json' }),
      ...(token && { Authorization: `Bearer ${token}` }),
      ...(key && { Authorization: `ApiKey ${key}` }),
      ...init.headers,
    };
    const res = await fetch(`${base}${path}`, { ...init, headers, ...(json !== undefined && { body: JSON.stringify(json) }) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }

  const reader = async () => (await call('/auth/providers/anon-user/login', { method: 'POST' })).body;

  /** A journalist: registered, confirmed with the link of the outbox's mail, logged in. */
  async function journalist(email) {
    assert.equal((await call('/auth/providers/local-userpass/register', { method: 'POST', json: { email, password: PASSWORD } })).status, 201);
    await auth.settled();
    const mail = outbox.list().find((m) => m.to === email.toLowerCase() && m.kind === 'confirmation');
    assert.ok(mail, `a confirmation mail to ${email}`);
    const link = new URL(mail.link);
    assert.equal(link.pathname, '/confirm');
    const confirmed = await call('/auth/providers/local-userpass/confirm', {
      method: 'POST',
      json: { token: link.searchParams.get('token'), tokenId: link.searchParams.get('tokenId') },
    });
    assert.equal(confirmed.status, 204);
    const login = await call('/auth/providers/local-userpass/login', { method: 'POST', json: { username: email, password: PASSWORD } });
    assert.equal(login.status, 200);
    return { id: login.body.user_id, token: login.body.access_token, refresh: login.body.refresh_token };
  }

  return {
    auth,
    outbox,
    call,
    reader,
    journalist,
    get base() {
      return base;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await auth.settled();
      await opened.close();
    },
  };
}
