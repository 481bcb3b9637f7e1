import assert from 'node:assert/strict';
import { open, ready } from './browser.mjs';

/**
 * What a person does on the newsroom's pages, step by step, in the browser. Each helper
 * drives the page as a visitor would (fields, buttons, links) and waits for its outcome.
 */
export function newsroom(base) {
  const at = (path) => new URL(path, base).href;

  return {
    at,

    /** Who the masthead says is there: `{ kind: 'reader' | 'journalist', userId, who }`. */
    async session(page) {
      const session = page.locator('#session');
      return { kind: await session.getAttribute('data-kind'), userId: await session.getAttribute('data-user-id'), who: await page.locator('#who').textContent() };
    },

    async signUp(page, email, password) {
      await open(page, at('/signin#register'));
      await page.fill('#register-form input[name=email]', email);
      await page.fill('#register-form input[name=password]', password);
      await page.click('#register-form button[type=submit]');
      await page.locator('#signin-status').filter({ hasText: 'confirmation link' }).waitFor();
    },

    /** Opens the outbox and follows the link of the newest mail of `kind` to `to`. */
    async followMail(page, to, kind) {
      await open(page, at('/outbox'));
      const mail = page.locator(`.mail[data-kind="${kind}"][data-to="${to}"]`).first();
      await mail.waitFor({ timeout: 10_000 });
      const link = await mail.locator('a.mail-link').getAttribute('href');
      await mail.locator('a.mail-link').click();
      await ready(page);
      return link;
    },

    /** Confirms from the outbox, then finishes on the confirmation page (log in, or add to the account). */
    async confirm(page, email, password) {
      await this.followMail(page, email, 'confirmation');
      await page.locator('#confirm-status').filter({ hasText: 'confirmed' }).waitFor();
      await page.fill('#finish-form input[name=email]', email);
      await page.fill('#finish-form input[name=password]', password);
      await page.click('#finish-button');
      await page.waitForURL((url) => url.pathname !== '/confirm');
      await ready(page);
    },

    async logIn(page, email, password) {
      await open(page, at('/signin'));
      await page.fill('#login-form input[name=email]', email);
      await page.fill('#login-form input[name=password]', password);
      await page.click('#login-form button[type=submit]');
    },

    /** The sign-in error shown after a refused login. */
    async loginError(page) {
      const error = page.locator('#signin-error');
      await error.waitFor();
      return { code: await error.getAttribute('data-code'), text: await error.textContent() };
    },

    /** A journalist account, from sign-up to the confirmed login. */
    async journalist(page, email, password) {
      await this.signUp(page, email, password);
      await this.confirm(page, email, password);
      assert.equal((await this.session(page)).kind, 'journalist');
    },

    /**
     * A provider button (on the sign-in page, or "Add …" on the profile page): through the
     * local test provider's consent page, where `account` is picked, back to the app.
     */
    async throughProvider(page, button, account, provider, { atConsent } = {}) {
      await page.click(button);
      await page.waitForURL((url) => url.hostname === 'localhost', { timeout: 10_000 });
      assert.match(await page.locator('header h1').textContent(), new RegExp(`Sign in with ${provider}`));
      await atConsent?.(page);
      if (typeof account === 'string') {
        await page.click(`button[data-account="${account}"]`);
      } else {
        await page.fill('input[name=name]', account.name);
        await page.fill('input[name=email]', account.email);
        await page.click('button[value=custom]');
      }
      await page.waitForURL((url) => url.origin === new URL(base).origin && !url.search.includes('code='), { timeout: 15_000 });
      await ready(page);
    },

    async providerLogin(page, type, account, provider, options) {
      await open(page, at('/signin'));
      await this.throughProvider(page, `#providers [data-provider="${type}"]`, account, provider, options);
      assert.equal(new URL(page.url()).pathname, '/');
    },

    /** Publishes from the home page; resolves once the story heads the list. */
    async publish(page, title, body) {
      await open(page, at('/'));
      await page.fill('#publish input[name=title]', title);
      await page.fill('#publish textarea[name=body]', body);
      await page.click('#publish button[type=submit]');
      await page.locator('.post-title').first().filter({ hasText: title }).waitFor();
      return page.locator('.post').first().locator('.post-meta').textContent();
    },

    /** The identities the profile page lists, by provider type. */
    async identities(page) {
      await page.locator('#identities li').first().waitFor();
      return page.locator('#identities li').evaluateAll((items) => items.map((li) => li.dataset.provider));
    },

    /** What the page's own origin gets from the posts API when it publishes with its cookies. */
    tryToPublish: (page) =>
      page.evaluate(async () => {
        const res = await fetch('/api/posts', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ title: 'Scoop', body: 'Who may publish this?' }),
        });
        return { status: res.status, body: await res.json() };
      }),
  };
}
