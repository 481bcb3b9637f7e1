// The newsroom in a real browser: Debian's chromium driven by playwright-core, every
// provider through its pages, the local test providers standing in for Google, Facebook
// and Apple. Screenshots of the main pages land in test/artifacts/.
//   npm run test:browser                                        (MemoryStore)
//   MONGODB_URI=mongodb://127.0.0.1:27017/ npm run test:browser  (also MongoStore)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { PHONE, open, openBrowser, ready } from './support/browser.mjs';
import { newsroom } from './support/newsroom.mjs';
import { startServer } from './support/server.mjs';

const SEEDED_TITLES = ['Welcome to the newsroom', 'How reading works', 'Journalists wanted'];
const TIMEOUT = { timeout: 120_000 };
const PASSWORD = 'inverted-pyramid-1923';
const JOURNALIST_ONLY = 'requires an identity from local-userpass or oauth2-google or oauth2-facebook or oauth2-apple';

/** The session cookies the browser holds for the app, by name (the refresh cookie lives under /auth/session). */
async function sessionCookies(context, url) {
  const cookies = await context.cookies([url, new URL('/auth/session', url).href]);
  return Object.fromEntries(cookies.map((c) => [c.name, c]));
}

/** A page on another origin that posts a form to `target` as soon as it loads (a CSRF attempt). */
async function startAttacker(target) {
  const server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end(`<!doctype html><form id="f" method="POST" action="${target}"><input name="title" value="Hijacked"><input name="body" value="Posted by another site"></form><script>document.getElementById('f').submit()</script>`);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** A MONGODB_URI naming a database of this run's own. */
function ownDatabase(uri) {
  const name = `example_app_${randomBytes(4).toString('hex')}`;
  const url = new URL(uri);
  url.pathname = `/${name}`;
  return { uri: url.toString(), name };
}

describe('the newsroom on MemoryStore', () => {
  let server;
  let base;
  let browser;
  let site;
  const unique = () => randomBytes(3).toString('hex');

  before(async () => {
    server = startServer();
    base = await server.url;
    site = newsroom(base);
    browser = await openBrowser();
  }, TIMEOUT);
  after(async () => {
    await browser?.close();
    await server?.stop();
    if (browser?.shots.length) console.log(`# screenshots (${browser.shots.length}):\n${browser.shots.map((s) => `#   ${s}`).join('\n')}`);
  });

  test('says in its first log lines where its data lives and which sign-in providers it uses', () => {
    assert.match(server.lines[0], /embedded in-memory store \(MemoryStore\)/);
    assert.match(server.lines[0], /set MONGODB_URI to use MongoDB/);
    for (const provider of ['Google', 'Facebook', 'Apple']) {
      assert.ok(server.lines.some((l) => l.startsWith(`example-app: ${provider} sign-in: local test provider at http://localhost:`)), provider);
    }
  });

  test('an anonymous reader reads the stories and cannot publish: the page says why, the server refuses', TIMEOUT, async () => {
    const { page, errors } = await browser.visitor();
    await open(page, base);
    const session = await site.session(page);
    assert.equal(session.kind, 'reader');
    assert.match(session.userId, /^[0-9a-f]{24}$/);
    assert.equal(await page.locator('#user-id').textContent(), session.userId);
    assert.deepEqual(await page.locator('.post-title').allTextContents(), SEEDED_TITLES);
    assert.equal(await page.locator('#publish button[type=submit]').isDisabled(), true);
    assert.match(await page.locator('#publish-note').textContent(), /Only journalists publish\. You are reading as an anonymous reader/);
    assert.deepEqual(await site.tryToPublish(page), { status: 403, body: { error: JOURNALIST_ONLY, error_code: 'Forbidden' } });
    await browser.screenshot(page, 'home-reader');
    assert.deepEqual(errors, []);
  });

  test('keeps the same reader across a reload, in HttpOnly cookies out of the page’s reach, and refreshes a rejected access cookie', TIMEOUT, async () => {
    const { page, context } = await browser.visitor();
    await open(page, base);
    const first = await site.session(page);
    await open(page, base);
    assert.equal((await site.session(page)).userId, first.userId);
    const cookies = await sessionCookies(context, base);
    assert.deepEqual(Object.keys(cookies).sort(), ['auth-access', 'auth-refresh']);
    assert.equal(cookies['auth-access'].httpOnly, true);
    assert.equal(cookies['auth-access'].sameSite, 'Lax');
    assert.equal(cookies['auth-refresh'].path, '/auth/session');
    assert.equal(await page.evaluate(() => document.cookie), '');

    await context.addCookies([{ ...cookies['auth-access'], value: 'expired.access.token' }]);
    await open(page, base);
    assert.equal((await site.session(page)).userId, first.userId);
    const renewed = await sessionCookies(context, base);
    assert.notEqual(renewed['auth-refresh'].value, cookies['auth-refresh'].value, 'the refresh token was rotated');
  });

  test('a journalist signs up, confirms through the outbox page, logs in and publishes', TIMEOUT, async () => {
    const { page, errors } = await browser.visitor();
    const email = `reporter-${unique()}@example.com`;
    await site.signUp(page, email, PASSWORD);
    await browser.screenshot(page, 'signin');
    // Before the confirmation, the login is refused with a way forward.
    await site.logIn(page, email, PASSWORD);
    assert.equal((await site.loginError(page)).code, 'UserPending');

    await open(page, site.at('/outbox'));
    await page.locator(`.mail[data-kind="confirmation"][data-to="${email}"]`).waitFor();
    await browser.screenshot(page, 'outbox');
    await site.confirm(page, email, PASSWORD);
    const session = await site.session(page);
    assert.deepEqual([session.kind, session.who], ['journalist', email]);
    assert.match(await site.publish(page, 'Council approves the budget', 'After a long night.'), new RegExp(`By ${email}`));
    await browser.screenshot(page, 'home-journalist');
    assert.deepEqual(errors, []);
  });

  test('an anonymous reader upgrades to email and password in place: the same user id, now a journalist', TIMEOUT, async () => {
    const { page, errors } = await browser.visitor();
    await open(page, site.at('/profile'));
    const reader = await site.session(page);
    assert.equal(reader.kind, 'reader');
    assert.match(await page.locator('#link-heading').textContent(), /Become a journalist, keep this reader/);
    const email = `upgraded-${unique()}@example.com`;
    await page.fill('#link-password-form input[name=email]', email);
    await page.fill('#link-password-form input[name=password]', PASSWORD);
    await page.click('#link-password-form button[type=submit]');
    await page.locator('#profile-status').filter({ hasText: 'Check your mail' }).waitFor();

    await site.confirm(page, email, PASSWORD);
    assert.equal(new URL(page.url()).pathname, '/profile');
    assert.match(await page.locator('#profile-status').textContent(), /Email and password added/);
    assert.equal(await page.locator('#profile-user-id').textContent(), reader.userId);
    assert.deepEqual(await site.identities(page), ['anon-user', 'local-userpass']);
    assert.deepEqual(await site.session(page), { kind: 'journalist', userId: reader.userId, who: email });
    await site.publish(page, 'From reader to reporter', 'Same id, new byline.');
    assert.deepEqual(errors, []);
  });

  for (const [type, provider, account, name] of [
    ['oauth2-google', 'Google', 'ada', 'Ada Lovelace'],
    ['oauth2-facebook', 'Facebook', 'grace', 'Grace Hopper'],
    ['oauth2-apple', 'Apple', 'katherine', 'Katherine Johnson'],
  ]) {
    test(`signs in with ${provider} through the local test provider, then publishes`, TIMEOUT, async () => {
      const { page, errors } = await browser.visitor();
      await site.providerLogin(page, type, account, provider, { atConsent: (consent) => browser.screenshot(consent, `consent-${provider.toLowerCase()}`) });
      const session = await site.session(page);
      // Apple sends the name only with the first authorization: it was kept.
      assert.deepEqual([session.kind, session.who], ['journalist', name]);
      assert.match(await site.publish(page, `${provider} reporter files`, 'Signed in elsewhere.'), new RegExp(`By ${name}`));
      await open(page, site.at('/profile'));
      assert.deepEqual(await site.identities(page), [type]);
      assert.deepEqual(errors, []);
    });
  }

  for (const [type, provider] of [['oauth2-google', 'Google'], ['oauth2-apple', 'Apple']]) {
    test(`cancelling at ${provider} brings the visitor back with a readable message, still a reader`, TIMEOUT, async () => {
      const { page, errors } = await browser.visitor();
      await open(page, site.at('/signin'));
      const reader = await site.session(page);
      await page.click(`#providers [data-provider="${type}"]`);
      await page.waitForURL((url) => url.hostname === 'localhost');
      await page.click('button[value=cancel]');
      await page.waitForURL((url) => url.origin === new URL(base).origin);
      await ready(page);
      assert.equal(await page.locator('#signin-error').textContent(), `The ${provider} login was cancelled.`);
      assert.deepEqual(await site.session(page), reader);
      assert.equal(new URL(page.url()).search, '', 'the error left the address bar');
      assert.deepEqual(errors, []);
    });
  }

  test('shows a readable error with Retry when the stories cannot be loaded, and recovers', TIMEOUT, async () => {
    const { page, errors } = await browser.visitor();
    await page.route('**/api/posts', (route) => route.abort('connectionrefused'));
    await open(page, base);
    const notice = page.locator('#notice');
    assert.match(await notice.textContent(), /The newsroom cannot be reached\. Check your connection, then retry\./);
    await page.unroute('**/api/posts');
    await notice.locator('button', { hasText: 'Retry' }).click();
    await page.locator('.post-title').first().waitFor();
    assert.equal(await notice.isHidden(), true);
    assert.deepEqual(errors, []);
  });

  test('links Google to an email/password journalist (both identities shown), refuses one that is someone else’s, unlinks, never the last', TIMEOUT, async () => {
    const { page, errors } = await browser.visitor();
    const email = `linker-${unique()}@example.com`;
    await site.journalist(page, email, PASSWORD);
    const { userId } = await site.session(page);

    // Ada's Google identity already belongs to the Google journalist above.
    await open(page, site.at('/profile'));
    await site.throughProvider(page, '[data-link="oauth2-google"]', 'ada', 'Google');
    assert.equal((await page.locator('#profile-status').getAttribute('data-code')), 'IdentityAlreadyExists');
    assert.match(await page.locator('#profile-status').textContent(), /already belongs to another account/);
    assert.deepEqual(await site.identities(page), ['local-userpass']);

    await site.throughProvider(page, '[data-link="oauth2-google"]', { name: 'Lin Reporter', email: `lin-${unique()}@example.com` }, 'Google');
    assert.match(await page.locator('#profile-status').textContent(), /Google is now a way to sign in/);
    assert.deepEqual(await site.identities(page), ['local-userpass', 'oauth2-google']);
    assert.equal(await page.locator('#profile-user-id').textContent(), userId);
    await browser.screenshot(page, 'profile');

    await page.click('#identities li[data-provider="local-userpass"] button');
    await page.locator('#profile-status').filter({ hasText: 'Email and password was removed' }).waitFor();
    assert.deepEqual(await site.identities(page), ['oauth2-google']);
    assert.equal(await page.locator('#identities li button').isDisabled(), true, 'the last identity cannot be removed');
    // Still a journalist, through Google alone, and the password no longer signs in.
    await site.publish(page, 'Filed through Google', 'After unlinking the password.');
    const other = await browser.visitor();
    await site.logIn(other.page, email, PASSWORD);
    assert.equal((await site.loginError(other.page)).code, 'InvalidPassword');
    assert.deepEqual(errors, []);
  });

  test('creates an API key, shows it once with curl lines, and the posts API answers to it', TIMEOUT, async () => {
    const { page, errors } = await browser.visitor();
    await site.journalist(page, `scripter-${unique()}@example.com`, PASSWORD);
    await open(page, site.at('/keys'));
    await page.fill('#create-key input[name=name]', 'ci-publisher');
    await page.click('#create-key button[type=submit]');
    await page.locator('#new-key').waitFor();
    const key = await page.locator('#new-key-secret').textContent();
    assert.match(key, /^eapk_/);
    assert.match(await page.locator('#curl-list').textContent(), new RegExp(`curl -s ${base}/api/posts \\\\\\n  -H "Authorization: ApiKey ${key}"`));
    await page.locator('#keys tr[data-key="ci-publisher"]').waitFor();
    await browser.screenshot(page, 'api-keys');

    // As curl would: no cookies, the key alone.
    const call = (init = {}) => fetch(site.at('/api/posts'), { ...init, headers: { Authorization: `ApiKey ${key}`, 'Content-Type': 'application/json', ...init.headers } });
    assert.deepEqual((await (await call()).json()).posts.slice(-3).map((p) => p.title), SEEDED_TITLES);
    const published = await call({ method: 'POST', body: JSON.stringify({ title: 'Filed from a script', body: 'Published with an API key.' }) });
    assert.equal(published.status, 201);

    // Shown once: gone after a reload; disabled, the key is refused; enabled, it works again; deleted, gone.
    await open(page, site.at('/keys'));
    assert.equal(await page.locator('#new-key').isHidden(), true);
    assert.equal(await page.locator('body').textContent().then((t) => t.includes(key)), false);
    await page.click('#keys tr[data-key="ci-publisher"] button:has-text("Disable")');
    await page.locator('#keys tr[data-key="ci-publisher"][data-state="disabled"]').waitFor();
    assert.equal((await call()).status, 401);
    await page.click('#keys tr[data-key="ci-publisher"] button:has-text("Enable")');
    await page.locator('#keys tr[data-key="ci-publisher"][data-state="enabled"]').waitFor();
    assert.equal((await call()).status, 200);
    await page.click('#keys tr[data-key="ci-publisher"] button:has-text("Delete")');
    await page.locator('#keys-empty').waitFor();
    assert.equal((await call()).status, 401);
    assert.deepEqual(errors, []);
  });

  test('resets a forgotten password through the outbox: the old one stops working, the new one signs in', TIMEOUT, async () => {
    const { page, errors } = await browser.visitor();
    const email = `forgetful-${unique()}@example.com`;
    await site.journalist(page, email, PASSWORD);
    await open(page, site.at('/signin'));
    await page.click('#show-forgot');
    await page.fill('#forgot-form input[name=email]', email);
    await page.click('#forgot-form button[type=submit]');
    await page.locator('#signin-status').filter({ hasText: 'a link to choose a new password is on its way' }).waitFor();

    await site.followMail(page, email, 'reset');
    await page.fill('#reset-form input[name=password]', 'a-brand-new-passphrase');
    await page.click('#reset-form button[type=submit]');
    await page.locator('#reset-status').filter({ hasText: 'Your password is changed' }).waitFor();

    await site.logIn(page, email, PASSWORD);
    assert.equal((await site.loginError(page)).code, 'InvalidPassword');
    await site.logIn(page, email, 'a-brand-new-passphrase');
    await page.waitForURL(site.at('/'));
    await ready(page);
    assert.equal((await site.session(page)).kind, 'journalist');
    assert.deepEqual(errors, []);
  });

  test('an editor disables a journalist, who is then refused; enabled again, they sign in', TIMEOUT, async () => {
    const editor = await browser.visitor();
    const writer = await browser.visitor();
    const writerEmail = `writer-${unique()}@example.com`;
    await site.journalist(writer.page, writerEmail, PASSWORD);
    await site.journalist(editor.page, 'editor@example.com', PASSWORD);

    // Readers and journalists who are not editors see why the page is closed to them.
    await open(writer.page, site.at('/admin'));
    assert.match(await writer.page.locator('#admin-locked').textContent(), /Editors only/);

    await open(editor.page, site.at('/admin'));
    assert.equal(await editor.page.locator('nav a[href="/admin"]').isVisible(), true);
    const row = editor.page.locator(`#users tr[data-email="${writerEmail}"]`);
    await row.waitFor();
    assert.match(await row.textContent(), /Email and password/);
    await browser.screenshot(editor.page, 'admin');
    await row.locator('button[data-action="disable"]').click();
    await editor.page.locator(`#admin-status`).filter({ hasText: 'is disabled' }).waitFor();

    // The writer's open page: publishing is refused at once (the session is checked), and so is a new login.
    assert.equal((await site.tryToPublish(writer.page)).status, 401);
    await site.logIn(writer.page, writerEmail, PASSWORD);
    const refused = await site.loginError(writer.page);
    assert.deepEqual([refused.code, refused.text], ['UserDisabled', 'This account has been disabled by an editor.']);

    await editor.page.selectOption('#user-filter', 'disabled');
    await editor.page.locator(`#users tr[data-email="${writerEmail}"] button[data-action="enable"]`).click();
    await editor.page.locator('#admin-status').filter({ hasText: 'can sign in again' }).waitFor();
    await site.logIn(writer.page, writerEmail, PASSWORD);
    await writer.page.waitForURL(site.at('/'));
    await ready(writer.page);
    assert.equal((await site.session(writer.page)).kind, 'journalist');

    // Sign out everywhere: the writer's next request finds the session gone, and the page starts a new reader.
    await editor.page.selectOption('#user-filter', 'journalists');
    await editor.page.locator(`#users tr[data-email="${writerEmail}"] button[data-action="logout"]`).click();
    await editor.page.locator('#admin-status').filter({ hasText: 'Every session' }).waitFor();
    await open(writer.page, base);
    assert.equal((await site.session(writer.page)).kind, 'reader');
    assert.deepEqual([...editor.errors, ...writer.errors], []);
  });

  test('logs out: the session ends on the server and the visitor reads as a new anonymous user', TIMEOUT, async () => {
    const { page, context, errors } = await browser.visitor();
    await site.journalist(page, `leaver-${unique()}@example.com`, PASSWORD);
    const journalist = await site.session(page);
    const { 'auth-refresh': refresh } = await sessionCookies(context, base);
    await page.click('#logout');
    await page.waitForURL(site.at('/'));
    await ready(page);
    const after = await site.session(page);
    assert.equal(after.kind, 'reader');
    assert.notEqual(after.userId, journalist.userId);
    // The old refresh token no longer opens a session.
    const replay = await fetch(site.at('/auth/session'), { method: 'POST', headers: { Authorization: `Bearer ${refresh.value}` } });
    assert.equal(replay.status, 401);
    assert.deepEqual(errors, []);
  });

  test('refuses a CSRF attempt: a page on another origin posting with the journalist’s cookies gets 403, nothing is published', TIMEOUT, async () => {
    const { page } = await browser.visitor();
    await site.journalist(page, `target-${unique()}@example.com`, PASSWORD);
    const attacker = await startAttacker(site.at('/api/posts'));
    try {
      await page.goto(attacker.url);
      await page.waitForURL(site.at('/api/posts'));
      assert.deepEqual(JSON.parse(await page.locator('body').innerText()), { error: 'cross-origin request refused', error_code: 'Forbidden' });
      await open(page, base);
      assert.equal((await page.locator('.post-title').allTextContents()).includes('Hijacked'), false);
    } finally {
      await attacker.close();
    }
  });

  test('deletes an account from the profile page; the visitor goes on as a new reader', TIMEOUT, async () => {
    const { page, errors } = await browser.visitor();
    const email = `gone-${unique()}@example.com`;
    await site.journalist(page, email, PASSWORD);
    await open(page, site.at('/profile'));
    await page.click('#delete-account');
    await page.click('#delete-confirm');
    await page.waitForURL((url) => url.pathname === '/');
    await ready(page);
    assert.equal((await site.session(page)).kind, 'reader');
    assert.match(await page.locator('#notice').textContent(), /Your account has been deleted/);
    await site.logIn(page, email, PASSWORD);
    assert.equal((await site.loginError(page)).code, 'InvalidPassword');
    assert.deepEqual(errors, []);
  });

  test('works at phone width: no sideways scrolling on the main pages', TIMEOUT, async () => {
    const { page, errors } = await browser.visitor(PHONE);
    await site.journalist(page, `mobile-${unique()}@example.com`, PASSWORD);
    for (const [path, name] of [['/', 'home'], ['/signin', 'signin'], ['/profile', 'profile'], ['/keys', 'api-keys'], ['/outbox', 'outbox']]) {
      await open(page, site.at(path));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px`);
      await browser.screenshot(page, `${name}-phone`);
    }
    assert.deepEqual(errors, []);
  });
});

describe('the newsroom on MongoStore', { skip: !process.env.MONGODB_URI && 'MONGODB_URI is not set' }, () => {
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

  test('keeps users, sessions and posts in MongoDB: a Google journalist survives a server restart', TIMEOUT, async () => {
    server = startServer({ MONGODB_URI: database.uri });
    let base = await server.url;
    assert.match(server.lines[0], new RegExp(`running on MongoDB \\(MongoStore\\), database "${database.name}"`));
    const { page, errors } = await browser.visitor();
    let site = newsroom(base);
    await site.providerLogin(page, 'oauth2-google', 'grace', 'Google');
    const first = await site.session(page);
    assert.deepEqual([first.kind, first.who], ['journalist', 'Grace Hopper']);
    await site.publish(page, 'Stored in MongoDB', 'It outlives the process.');

    // A new process has a new ephemeral signing key: the old access cookie fails, the
    // refresh token in the refresh cookie (stored hashed in MongoDB) still works.
    await server.stop();
    server = startServer({ MONGODB_URI: database.uri, PORT: new URL(base).port });
    base = await server.url;
    site = newsroom(base);
    await open(page, base);
    assert.deepEqual(await site.session(page), first);
    assert.deepEqual((await page.locator('.post-title').allTextContents()), ['Stored in MongoDB', ...SEEDED_TITLES]);

    const { MongoClient } = await import('mongodb');
    const client = await MongoClient.connect(database.uri);
    try {
      const db = client.db(database.name);
      assert.equal(await db.collection('posts').countDocuments(), SEEDED_TITLES.length + 1);
      assert.ok((await db.collection('auth_users').distinct('_id')).includes(first.userId));
    } finally {
      await client.close();
    }
    assert.deepEqual(errors, []);
  });
});
