/**
 * CSRF protection in a real browser: Debian's Chromium driven by playwright-core. A visitor
 * logged in by cookie on the app opens a page of another origin that auto-submits a form to
 * the app's protected route. Skipped only where /usr/bin/chromium is missing (CI installs it).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuth } from '../../src/index.js';
import { MemoryLogger, testSigningKey } from '../support/app.js';
import { listen } from '../support/listen.js';
import { CHROMIUM, launchChromium } from '../support/chromium.js';
import { storeCases } from '../support/stores.js';

/** What the protected route's guard was shown: the browser's Fetch Metadata and whether cookies came. */
interface Seen {
  secFetchSite: string | undefined;
  origin: string | undefined;
  withCookie: boolean;
}

/** The app: a page that logs in by cookie, and POST /notes behind requireUser. */
async function startApp(store: ReturnType<ReturnType<typeof storeCases>[number]['make']>) {
  const auth = createAuth({
    store,
    providers: { 'anon-user': {} },
    tokens: { signingKeys: [testSigningKey()] },
    cookies: true,
    environment: 'development',
    logger: new MemoryLogger(),
  });
  const seen: Seen[] = [];
  const notes: string[] = [];
  const app = express();
  app.use('/auth', auth.router);
  app.get('/', (_req, res) => void res.type('html').send('<!doctype html><title>app</title><p>The app</p>'));
  app.post(
    '/notes',
    (req, _res, next) => {
      seen.push({ secFetchSite: req.get('sec-fetch-site'), origin: req.get('origin'), withCookie: /auth-access=/.test(req.get('cookie') ?? '') });
      next();
    },
    auth.requireUser(),
    express.urlencoded({ extended: false }),
    (req, res) => {
      notes.push(req.user!.id);
      res.status(201).json({ saved: true });
    },
  );
  return { origin: await listen(app), seen, notes };
}

/** A page on another origin that posts a form to `target` as soon as it loads. */
async function startAttacker(target: string) {
  const page = express();
  page.get('/', (_req, res) =>
    void res
      .type('html')
      .send(`<!doctype html><form id="f" method="POST" action="${target}"><input name="note" value="pwned"></form><script>document.getElementById('f').submit()</script>`),
  );
  return listen(page);
}

describe.skipIf(!existsSync(CHROMIUM))('CSRF protection in Chromium', () => {
  let dir: string;
  let context: BrowserContext;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'csrf-chromium-'));
    context = await launchChromium(dir);
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe.each(storeCases('csrf_chromium'))('on $name', ({ make }) => {
    let app: Awaited<ReturnType<typeof startApp>>;
    let page: Page;
    beforeAll(async () => {
      app = await startApp(make());
      page = await context.newPage();
      await page.goto(`${app.origin}/`);
      const login = await page.evaluate(async () => {
        const res = await fetch('/auth/providers/anon-user/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      });
      expect(login.status).toBe(200);
      expect(login.body.access_token).toBeUndefined();
      // HttpOnly: the page's scripts cannot see the cookies it now holds.
      expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).toBe('');
      expect((await context.cookies([app.origin, `${app.origin}/auth/session`])).map((c) => c.name).sort()).toEqual(['auth-access', 'auth-refresh']);
    });
    afterAll(() => page?.close());

    it('admits the app’s own page posting with its cookies', async () => {
      await page.goto(`${app.origin}/`);
      const status = await page.evaluate(async () => (await fetch('/notes', { method: 'POST' })).status);
      expect(status).toBe(201);
      expect(app.seen.at(-1)).toMatchObject({ secFetchSite: 'same-origin', withCookie: true });
    });

    it('refuses a form auto-submitted by a page of another origin of the same site: the cookies travel, the guard says 403', async () => {
      const attacker = await startAttacker(`${app.origin}/notes`); // 127.0.0.1 on another port: same site, other origin
      const saved = app.notes.length;
      await page.goto(attacker);
      await page.waitForURL(`${app.origin}/notes`);
      expect(JSON.parse(await page.locator('body').innerText())).toEqual({ error: 'cross-origin request refused', error_code: 'Forbidden' });
      expect(app.seen.at(-1)).toMatchObject({ secFetchSite: 'same-site', origin: attacker, withCookie: true });
      expect(app.notes.length).toBe(saved);
    });

    it('refuses the same form from another site, where SameSite=Lax keeps the cookies home', async () => {
      const attacker = (await startAttacker(`${app.origin}/notes`)).replace('127.0.0.1', 'localhost');
      const saved = app.notes.length;
      await page.goto(attacker);
      await page.waitForURL(`${app.origin}/notes`);
      expect(JSON.parse(await page.locator('body').innerText()).error_code).toBe('MissingAuthReq');
      expect(app.seen.at(-1)).toMatchObject({ secFetchSite: 'cross-site', withCookie: false });
      expect(app.notes.length).toBe(saved);
    });
  });
});
