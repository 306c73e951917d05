/**
 * The Usage page's totals in Chromium at laptop width (1280 px): requests, cost, average and p95
 * and the total row are in view without scrolling sideways, and a click on a column header sorts
 * the table (aria-sort on that header), the total row staying last.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, ADMIN_USER, startAdminStack } from '../harness/admin-stack.js';
import { assertUiBuilt, loggedInPage, shot, startBrowser } from '../harness/browser.js';
import { CLIENT_KEY, HELLO } from '../harness/proxy-harness.js';

test('usage totals: sortable, with average, p95 and the total in view at 1280 px', { timeout: 120_000 }, async (t) => {
  await assertUiBuilt();
  const stack = await startAdminStack(t, { caddy: true });
  const sdk = stack.harness.sdk(CLIENT_KEY);
  await sdk.chat.completions.create(HELLO);
  await sdk.chat.completions.create({ ...HELLO, model: 'gpt-5-mini' });
  await sdk.chat.completions.create({ ...HELLO, model: 'gpt-5-mini' });
  const browser = await startBrowser(t);
  const errors: string[] = [];
  const page = await loggedInPage(browser, ADMIN_USER, ADMIN_PASSWORD, errors);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`https://localhost:${stack.ports.httpsPort}/admin/usage`);
  const table = page.locator('table.totals').first();
  await table.locator('tbody tr', { hasText: 'gpt-4o-mini' }).waitFor();
  const firstColumn = () => table.locator('tbody tr th').allTextContents();

  // Busiest first, then sorted by name with a click, and reversed with another.
  assert.deepEqual(await firstColumn(), ['gpt-5-mini', 'gpt-4o-mini']);
  const modelHeader = table.locator('thead th').first();
  await modelHeader.getByRole('button').click();
  assert.equal(await modelHeader.getAttribute('aria-sort'), 'ascending');
  assert.deepEqual(await firstColumn(), ['gpt-4o-mini', 'gpt-5-mini']);
  await modelHeader.getByRole('button').click();
  assert.equal(await modelHeader.getAttribute('aria-sort'), 'descending');
  assert.deepEqual(await firstColumn(), ['gpt-5-mini', 'gpt-4o-mini']);
  assert.equal(await table.locator('thead th[aria-sort]').count(), 1);
  assert.equal((await table.locator('tfoot tr th').textContent())?.trim(), 'Total');

  // In view without scrolling sideways: the right edge of each of these headers is inside the scroller.
  const wrap = await table.locator('xpath=..').boundingBox();
  assert.ok(wrap);
  await table.scrollIntoViewIfNeeded();
  for (const name of ['Requests', /^Cost/, 'Average', 'p95']) {
    const box = await table.locator('thead th', { hasText: name }).first().boundingBox();
    assert.ok(box, String(name));
    assert.ok(
      box.x + box.width <= wrap.x + wrap.width,
      `${String(name)} ends at ${box.x + box.width} > ${wrap.x + wrap.width}`,
    );
  }
  await shot(page, 'usage-1280', false);
  assert.deepEqual(errors, []);
});
