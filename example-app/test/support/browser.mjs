import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

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
/** Where the screenshots go (gitignored): a look at each main page after the run. */
export const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

if (!existsSync(CHROMIUM)) {
  throw new Error(`${CHROMIUM} is missing: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH)`);
}

/**
 * Debian's Chromium, driven by playwright-core (launched on a fresh temporary profile).
 * Each `visitor()` is a browser context of its own: its own cookies, as another person's browser.
 */
export async function openBrowser() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const shots = [];
  return {
    shots,
    async visitor(viewport = DESKTOP) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (err) => errors.push(err.message));
      return { context, page, errors };
    },
    /** A full-page PNG under test/artifacts/. */
    async screenshot(page, name) {
      await mkdir(ARTIFACTS, { recursive: true });
      const path = `${ARTIFACTS}${name}.png`;
      await page.screenshot({ path, fullPage: true });
      shots.push(path);
      return path;
    },
    close: () => browser.close(),
  };
}

/** Waits until the page has loaded its visitor and content (`body[data-state=ready]`). */
export async function ready(page) {
  await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 20_000 });
  const state = await page.getAttribute('body', 'data-state');
  if (state !== 'ready') throw new Error(`${page.url()} did not get ready: ${await page.locator('#page-error').textContent()}`);
}

export async function open(page, url) {
  await page.goto(url);
  await ready(page);
}
