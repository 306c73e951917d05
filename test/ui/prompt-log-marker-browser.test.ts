/**
 * The prompt log is clearly marked in the admin UI while it is on, in Chromium through Caddy: a
 * banner on the overview and the models page naming what is logged, and a "prompts logged" badge
 * on the logged key's row and the logged model's card — and on nothing else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, ADMIN_USER, startAdminStack } from '../harness/admin-stack.js';
import { assertUiBuilt, loggedInPage, startBrowser } from '../harness/browser.js';

test(
  'the prompt log is marked on the overview, the logged key and the logged model',
  { timeout: 120_000 },
  async (t) => {
    await assertUiBuilt();
    const stack = await startAdminStack(t, {
      caddy: true,
      configure: (config) => {
        (config.server as Record<string, unknown>).telemetry = {
          promptLog: { enabled: true, keys: ['limited'], models: ['gpt-5-mini'], maxAgeDays: 3 },
        };
      },
    });
    const browser = await startBrowser(t);
    const errors: string[] = [];
    const page = await loggedInPage(browser, ADMIN_USER, ADMIN_PASSWORD, errors);
    const base = `https://localhost:${stack.ports.httpsPort}`;

    await page.goto(`${base}/admin/`);
    const banner = page.locator('[data-prompt-log="on"]');
    await banner.waitFor();
    assert.match(await banner.innerText(), /Prompt logging is on/);
    assert.match(await banner.innerText(), /keys limited and models gpt-5-mini/);
    assert.match(await banner.innerText(), /3 days/);

    await page.goto(`${base}/admin/keys`);
    await page.locator('[data-prompt-log="limited"]').waitFor();
    assert.equal(await page.locator('[data-prompt-log="main"]').count(), 0);

    await page.goto(`${base}/admin/models`);
    await page.locator('[data-prompt-log="gpt-5-mini"]').waitFor();
    assert.equal(await page.locator('[data-prompt-log="gpt-4o-mini"]').count(), 0);
    assert.equal(await page.locator('[data-prompt-log="on"]').count(), 1);
    assert.deepEqual(errors, []);
  },
);
