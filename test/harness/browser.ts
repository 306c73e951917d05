/**
 * Driving the admin UI in a real browser: Debian's Chromium through playwright-core, a page
 * logged in with HTTP Basic, waiting without eval (the UI's Content-Security-Policy refuses it),
 * moving through the menu as a user does, and screenshots in test-artifacts/ (not committed).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from './paths.js';

/** Where screenshots go. */
export const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Fails unless the UI is built (the tests load it from dist/admin/ui). */
export async function assertUiBuilt(): Promise<void> {
  await fs.access(path.join(REPO_ROOT, 'dist/admin/ui/index.html')).catch(() => {
    throw new Error('the admin UI is not built: run `npm run build` (it compiles admin/ui into dist/admin/ui)');
  });
  await fs.mkdir(ARTIFACTS, { recursive: true });
}

/** Starts Chromium (with `extraArgs`, e.g. `--host-resolver-rules`); closed when `t` ends. */
export async function startBrowser(
  t: { after: (fn: () => unknown) => void },
  extraArgs: string[] = [],
): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
  t.after(() => browser.close());
  return browser;
}

/**
 * A laptop-sized page logged in as `username`, in English, without animations; `errors` collects
 * page errors. The login answers the Basic challenge, as a user does; with `everyRequest` it is
 * sent with every request instead, because answering challenges makes Playwright intercept
 * requests, which turns the browser's cache off.
 */
export async function loggedInPage(
  browser: Browser,
  username: string,
  password: string,
  errors: string[],
  everyRequest = false,
): Promise<Page> {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    ...(everyRequest
      ? { extraHTTPHeaders: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` } }
      : { httpCredentials: { username, password } }),
    viewport: { width: 1366, height: 900 },
    locale: 'en-US',
    // No animations: screenshots show the settled page (and the reduced-motion styles are used).
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(m.text());
  });
  return page;
}

/**
 * Polls a JavaScript expression in the page until it is truthy. (waitForFunction compiles its
 * predicate with eval, which the UI's Content-Security-Policy rightly refuses.)
 */
export async function until(page: Page, expression: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${expression}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Saves a screenshot: the whole page (by making the viewport as tall as the page, so the sticky
 * bars stay where they belong), or only the viewport (an open dialog).
 */
export async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  const file = path.join(ARTIFACTS, `admin-ui-${name}.png`);
  const size = page.viewportSize();
  if (!fullPage || !size) {
    await page.screenshot({ path: file });
    return;
  }
  const height = Number(await page.evaluate('document.documentElement.scrollHeight'));
  await page.setViewportSize({ width: size.width, height: Math.min(Math.max(height, size.height), 8000) });
  await page.screenshot({ path: file });
  await page.setViewportSize(size);
}

/** Goes to an admin page through the menu (as a user would) and waits for its heading. */
export async function open(page: Page, name: string, heading: string | RegExp): Promise<void> {
  await page.locator(`nav a[data-nav="${name}"]`).click();
  await page.locator('h1#page-title', { hasText: heading }).waitFor();
}
