/**
 * The UI's files are kept by a real browser: Chromium fetches the page and every module of its
 * build once; loading the page again asks only for the page (revalidated), none of the modules,
 * stylesheet or logo. Chromium talks to the admin directly, so what it keeps does not depend on
 * how it treats a certificate it does not trust (Caddy's local CA here: it then refetches images);
 * through Caddy the headers are checked, passed on unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, ADMIN_USER, basic, startAdminStack } from '../harness/admin-stack.js';
import { assertUiBuilt, loggedInPage, startBrowser, until } from '../harness/browser.js';

/** The URLs the admin answered, in order, from its one log line per request. */
function answered(logLines: string[]): string[] {
  return logLines.flatMap((l) => {
    const e = JSON.parse(l) as { msg?: string; url?: string };
    return e.msg === 'admin request' && e.url ? [e.url] : [];
  });
}

test('a second page load fetches the page and none of the files of its build', { timeout: 90_000 }, async (t) => {
  await assertUiBuilt();
  const stack = await startAdminStack(t, { caddy: true });
  const browser = await startBrowser(t);
  const errors: string[] = [];
  const page = await loggedInPage(browser, ADMIN_USER, ADMIN_PASSWORD, errors, true);
  const base = `http://127.0.0.1:${stack.adminPort}`;

  await page.goto(`${base}/admin/`);
  await page.locator('h1#page-title', { hasText: 'Overview' }).waitFor();
  await until(page, "document.querySelector('.brand img')?.complete");
  const first = answered(stack.logLines);
  const files = first.filter((u) => u.startsWith('/admin/build/'));
  assert.ok(files.length > 20, `the modules of the build were fetched (${files.length})`);
  assert.ok(files.some((u) => u.endsWith('/logo.svg')) && files.some((u) => u.endsWith('/app.css')));

  await page.reload();
  await page.locator('h1#page-title', { hasText: 'Overview' }).waitFor();
  await page.goto(`${base}/admin/keys`);
  await page.locator('h1#page-title', { hasText: 'API keys' }).waitFor();
  const again = answered(stack.logLines).slice(first.length);
  assert.deepEqual(
    again.filter((u) => !u.startsWith('/admin/api/')),
    ['/admin/', '/admin/keys'],
    'only the page itself, twice',
  );
  assert.deepEqual(errors, []);

  const viaCaddy = await stack.viaCaddy(files[0]!, { headers: { authorization: basic() } });
  assert.equal(viaCaddy.status, 200);
  assert.equal(viaCaddy.headers['cache-control'], 'private, max-age=31536000, immutable');
});
