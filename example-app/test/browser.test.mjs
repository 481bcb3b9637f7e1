// The blog in a real browser: Debian's chromium driven by playwright-core.
//   npm run test:browser                                        (MemoryStore)
//   MONGODB_URI=mongodb://127.0.0.1:27017/ npm run test:browser  (also MongoStore)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { startServer } from './support/server.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SEEDED_TITLES = ['Welcome to the newsroom', 'How reading works', 'Journalists wanted'];
const TIMEOUT = { timeout: 60_000 };

if (!existsSync(CHROMIUM)) {
  throw new Error(`${CHROMIUM} is missing: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH)`);
}

/** A browser with a fresh profile in a temporary directory, and one page. */
async function openBrowser() {
  const dir = await mkdtemp(join(tmpdir(), 'example-app-browser-'));
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1200, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return {
    dir,
    context,
    page,
    pageErrors,
    async close() {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Loads the blog and waits until it shows the reader and the posts. */
async function readBlog(page, url) {
  await page.goto(url);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 20_000 }).catch(async (err) => {
    throw new Error(`the page did not get ready: ${await page.locator('#notice').textContent()}`, { cause: err });
  });
  return {
    userId: await page.locator('#user-id').textContent(),
    session: await page.locator('#session').textContent(),
    titles: await page.locator('.post-title').allTextContents(),
  };
}

/** The session cookies the browser holds for the app, by name (the refresh cookie lives under /auth/session). */
async function sessionCookies(context, url) {
  const cookies = await context.cookies([url, new URL('/auth/session', url).href]);
  return Object.fromEntries(cookies.map((c) => [c.name, c]));
}

/** What the page's own origin gets from the posts API when it tries to publish, with its cookies or without. */
const tryToPublish = (page, credentials) =>
  page.evaluate(async (credentials) => {
    const res = await fetch('/api/posts', {
      method: 'POST',
      credentials,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'Scoop', body: 'Anonymous readers cannot publish this.' }),
    });
    return { status: res.status, body: await res.json() };
  }, credentials);

/** A MONGODB_URI naming a database of this run's own. */
function ownDatabase(uri) {
  const name = `example_app_${randomBytes(4).toString('hex')}`;
  const url = new URL(uri);
  url.pathname = `/${name}`;
  return { uri: url.toString(), name };
}

describe('example app on MemoryStore', () => {
  let server;
  let url;
  let browser;
  before(async () => {
    server = startServer();
    url = await server.url;
    browser = await openBrowser();
  }, TIMEOUT);
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('says in its first log line that it runs on the in-memory store and that MONGODB_URI switches to MongoDB', () => {
    assert.match(server.lines[0], /embedded in-memory store \(MemoryStore\)/);
    assert.match(server.lines[0], /set MONGODB_URI to use MongoDB/);
  });

  test('signs a visitor in anonymously and shows the seeded posts', TIMEOUT, async (t) => {
    const seen = await readBlog(browser.page, url);
    assert.match(seen.userId, /^[0-9a-f]{24}$/);
    assert.equal(seen.session, `Reading as anonymous user ${seen.userId}`);
    assert.deepEqual(seen.titles, SEEDED_TITLES);
    assert.equal(await browser.page.locator('#publish button').isDisabled(), true);
    assert.match(await browser.page.locator('#publish-note').textContent(), /Publishing needs a journalist account/);

    // Kept after the run, for a look at the page.
    const shot = join(await mkdtemp(join(tmpdir(), 'example-app-screenshot-')), 'blog.png');
    await browser.page.screenshot({ path: shot, fullPage: true });
    assert.ok((await stat(shot)).size > 10_000, 'the screenshot has content');
    t.diagnostic(`screenshot: ${shot}`);
    assert.deepEqual(browser.pageErrors, []);
  });

  test('keeps the same anonymous user across a reload: its session is in HttpOnly cookies, out of the page’s reach', TIMEOUT, async () => {
    const first = await readBlog(browser.page, url);
    const second = await readBlog(browser.page, url);
    assert.equal(second.userId, first.userId);
    const cookies = await sessionCookies(browser.context, url);
    assert.deepEqual(Object.keys(cookies).sort(), ['auth-access', 'auth-refresh']);
    assert.equal(cookies['auth-access'].httpOnly, true);
    assert.equal(cookies['auth-access'].sameSite, 'Lax');
    assert.equal(cookies['auth-refresh'].path, '/auth/session');
    assert.equal(await browser.page.evaluate(() => document.cookie), '');
    assert.equal(await browser.page.evaluate(() => localStorage.length), 0);
  });

  test('refreshes a rejected access cookie once with the refresh cookie and stays the same user', TIMEOUT, async () => {
    const { userId } = await readBlog(browser.page, url);
    const before = await sessionCookies(browser.context, url);
    await browser.context.addCookies([{ ...before['auth-access'], value: 'expired.access.token' }]);
    const seen = await readBlog(browser.page, url);
    const after = await sessionCookies(browser.context, url);
    assert.equal(seen.userId, userId);
    assert.deepEqual(seen.titles, SEEDED_TITLES);
    assert.notEqual(after['auth-access'].value, 'expired.access.token');
    assert.notEqual(after['auth-refresh'].value, before['auth-refresh'].value, 'the refresh token was rotated');
  });

  test('refuses to publish for an anonymous reader (403) and without the session cookies (401)', TIMEOUT, async () => {
    await readBlog(browser.page, url);
    assert.deepEqual(await tryToPublish(browser.page, 'same-origin'), {
      status: 403,
      body: { error: 'anonymous users may not access this resource', error_code: 'Forbidden' },
    });
    const anonymous = await tryToPublish(browser.page, 'omit');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.error_code, 'MissingAuthReq');
    assert.deepEqual((await readBlog(browser.page, url)).titles, SEEDED_TITLES);
  });

  test('gives a visitor without session cookies a new anonymous user', TIMEOUT, async () => {
    const { userId } = await readBlog(browser.page, url);
    await browser.context.clearCookies();
    const seen = await readBlog(browser.page, url);
    assert.match(seen.userId, /^[0-9a-f]{24}$/);
    assert.notEqual(seen.userId, userId);
    assert.deepEqual(browser.pageErrors, []);
  });
});

describe('example app on MongoStore', { skip: !process.env.MONGODB_URI && 'MONGODB_URI is not set' }, () => {
  let database;
  let server;
  let browser;
  before(async () => {
    database = ownDatabase(process.env.MONGODB_URI);
    browser = await openBrowser();
  }, TIMEOUT);
  after(async () => {
    await browser?.close();
    await server?.stop();
    if (!database) return;
    const { MongoClient } = await import('mongodb');
    const client = await MongoClient.connect(database.uri);
    await client.db(database.name).dropDatabase();
    await client.close();
  });

  test('keeps users, sessions and posts in MongoDB: the reader survives a server restart', TIMEOUT, async () => {
    server = startServer({ MONGODB_URI: database.uri });
    let url = await server.url;
    assert.match(server.lines[0], new RegExp(`running on MongoDB \\(MongoStore\\), database "${database.name}"`));

    const first = await readBlog(browser.page, url);
    assert.match(first.userId, /^[0-9a-f]{24}$/);
    assert.deepEqual(first.titles, SEEDED_TITLES);

    // A new process has a new ephemeral signing key: the old access cookie fails, the
    // refresh token in the refresh cookie (stored hashed in MongoDB) still works.
    await server.stop();
    server = startServer({ MONGODB_URI: database.uri, PORT: new URL(url).port });
    url = await server.url;
    const second = await readBlog(browser.page, url);
    assert.equal(second.userId, first.userId);
    assert.deepEqual(second.titles, SEEDED_TITLES, 'posts are seeded once');

    const { MongoClient } = await import('mongodb');
    const client = await MongoClient.connect(database.uri);
    try {
      const db = client.db(database.name);
      assert.equal(await db.collection('posts').countDocuments(), SEEDED_TITLES.length);
      assert.deepEqual(await db.collection('auth_users').distinct('_id'), [first.userId]);
    } finally {
      await client.close();
    }
    assert.deepEqual(browser.pageErrors, []);
  });
});
