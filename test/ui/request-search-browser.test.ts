/**
 * The request search of the Logs page in Chromium through Caddy, against a real admin and proxy:
 * a refused request (401, no key), a refused model (403) and an answered one are listed; filtering
 * by status and then by key leaves only the matching rows, each with its request id.
 * Screenshots in English and Chinese go to test-artifacts/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, ADMIN_USER, startAdminStack } from '../harness/admin-stack.js';
import { assertUiBuilt, loggedInPage, open, shot, startBrowser, until } from '../harness/browser.js';
import { CLIENT_KEY, HELLO, LIMITED_KEY } from '../harness/proxy-harness.js';

test('the request search filters by status and key', { timeout: 90_000 }, async (t) => {
  await assertUiBuilt();
  const stack = await startAdminStack(t, { caddy: true });
  const send = async (id: string, key: string | undefined, body: object) => {
    const r = await stack.viaCaddy('/v1/chat/completions', {
      ...(key ? { key } : {}),
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': id },
      body: JSON.stringify(body),
    });
    return r.status;
  };
  assert.equal(await send('ui-ok', CLIENT_KEY, HELLO), 200);
  assert.equal(await send('ui-401', undefined, HELLO), 401);
  assert.equal(await send('ui-403', LIMITED_KEY, { ...HELLO, model: 'gpt-5-mini' }), 403);

  const browser = await startBrowser(t);
  const errors: string[] = [];
  const page = await loggedInPage(browser, ADMIN_USER, ADMIN_PASSWORD, errors);
  await page.goto(`https://localhost:${stack.ports.httpsPort}/admin/`);
  await open(page, 'logs', 'Logs');
  const rows = page.locator('table.requests tbody tr');
  const ids = async () => (await page.locator('table.requests code.request-id').allTextContents()).sort();
  const search = page.locator('[data-search="requests"]');
  await until(page, "document.querySelectorAll('table.requests tbody tr').length >= 3");
  // The harness's own model listings (it waits for Caddy with them) are listed too.
  assert.deepEqual(
    (await ids()).filter((id) => id.startsWith('ui-')),
    ['ui-401', 'ui-403', 'ui-ok'],
  );
  await shot(page, 'requests');

  await search.getByLabel('Status').selectOption('4xx');
  await until(page, "document.querySelectorAll('table.requests tbody tr').length === 2");
  assert.deepEqual(await ids(), ['ui-401', 'ui-403']);

  await search.getByLabel('Key').fill('limited');
  await until(page, "document.querySelectorAll('table.requests tbody tr').length === 1");
  assert.deepEqual(await ids(), ['ui-403']);
  const row = rows.first();
  for (const cell of ['403', 'POST /v1/chat/completions', 'limited', 'gateway', 'model_not_allowed'])
    await row.getByText(cell, { exact: true }).waitFor();

  await search.getByLabel('Status').selectOption('5xx');
  await page.getByText('No request matches the filters.').waitFor();

  await search.getByLabel('Status').selectOption('');
  await page.locator('#lang').selectOption('zh-CN');
  await page.getByText('应答方').waitFor();
  await shot(page, 'requests-zh');
  assert.deepEqual(errors, []);
});
