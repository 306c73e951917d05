/**
 * The admin web UI in a real browser (Debian's Chromium driven by playwright-core) against the
 * whole stack under supervisord, through Caddy: log in, create a key and use it from the openai
 * SDK, watch the usage chart change, add a model and see it in /v1/models, get field errors (the
 * schema's, checked as typed, and the server's `{path, message}` list), a stale-ETag conflict,
 * the Playground's stream, and the language switch. Screenshots of every page go to
 * test-artifacts/ (not committed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { assertUiBuilt, loggedInPage, open, shot, startBrowser, until } from '../harness/browser.js';
import { killStack, startStack, type Stack } from '../harness/stack.js';

async function adminPassword(stack: Stack): Promise<string> {
  const text = await fs.readFile(path.join(stack.dataDir, 'first-run.txt'), 'utf8');
  const m = /admin password: (\S+)/.exec(text);
  if (!m?.[1]) throw new Error('no admin password in first-run.txt');
  return m[1];
}

test('admin UI in Chromium against the real stack', { timeout: 150_000 }, async (t) => {
  await assertUiBuilt();
  const stack = await startStack();
  // A graceful stop also closes the test's HTTPS agent (its idle sockets would keep node alive).
  t.after(async () => {
    await Promise.race([stack.stop(), new Promise((r) => setTimeout(r, 20_000).unref())]);
    await killStack(stack);
  });
  const password = await adminPassword(stack);
  const browser = await startBrowser(t);
  const pageErrors: string[] = [];
  const page = await loggedInPage(browser, 'admin', password, pageErrors);

  await t.test('login: the browser authenticates with Basic and gets the SPA with strict headers', async () => {
    const res = await page.goto(`${stack.url}/admin/`);
    assert.equal(res?.status(), 200);
    const headers = res?.headers() ?? {};
    assert.match(headers['content-security-policy'] ?? '', /script-src 'self'/);
    assert.doesNotMatch(headers['content-security-policy'] ?? '', /unsafe-inline/);
    assert.equal(headers['x-content-type-options'], 'nosniff');
    assert.equal(headers['x-frame-options'], 'DENY');
    assert.equal(headers['cache-control'], 'no-cache');
    await page.locator('h1#page-title', { hasText: 'Overview' }).waitFor();
    await page.locator('.tile', { hasText: 'Caddy' }).getByText('Running').waitFor();
    await page.locator('.tile', { hasText: 'Proxy' }).getByText('Ready').waitFor();
    await page.getByRole('table', { name: 'Upstreams' }).filter({ hasText: 'simulator' }).waitFor();
    // Configured targets are listed before any traffic.
    await page.getByRole('table', { name: 'Targets' }).filter({ hasText: 'simulator' }).waitFor();
    await shot(page, 'overview');
    // Without credentials: 401 with the Basic challenge, so the browser shows its login prompt.
    const anon = await stack.fetch(`${stack.url}/admin/`);
    assert.equal(anon.status, 401);
    assert.match(anon.headers.get('www-authenticate') ?? '', /^Basic /);
  });

  let key = '';
  await t.test('create a key (shown once, copyable) and use it from the openai SDK', async () => {
    await open(page, 'keys', 'API keys');
    await page.getByLabel('Label').fill('browser test');
    await page.locator('.check-chip', { hasText: 'gpt-4o-mini' }).locator('input').check();
    await page.getByRole('button', { name: 'Create key' }).click();
    const input = page.locator('#new-key');
    await input.waitFor();
    key = await input.inputValue();
    assert.match(key, /^sk-gw-/);
    await page.locator('.new-key').getByRole('button', { name: 'Copy' }).waitFor();
    await page.locator('table', { hasText: 'browser test' }).waitFor();
    await shot(page, 'keys');
    const client = stack.sdk(key);
    const res = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello from the admin UI test' }],
    });
    assert.match(res.choices[0]?.message.content ?? '', /hello from the admin UI test/);
    // The allow-list holds: another model is refused.
    await assert.rejects(
      client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'x' }] }),
      (e: { status?: number }) => e.status === 403,
    );
    // Leaving the page forgets the key: it is never shown again.
    await open(page, 'overview', 'Overview');
    await open(page, 'keys', 'API keys');
    assert.equal(await page.locator('#new-key').count(), 0);
    assert.equal(await page.getByText(key).count(), 0);
  });

  await t.test('the usage chart changes as requests arrive', async () => {
    await open(page, 'usage', 'Usage');
    await page.locator('.segmented label', { hasText: '1 hour' }).click();
    const stats = page.locator('[data-requests]');
    await stats.waitFor();
    const before = Number(await stats.getAttribute('data-requests'));
    assert.ok(before >= 1, `the first SDK call is counted (${before})`);
    // A chart is drawn once its width is measured, and a reload replaces it, so wait for its bars
    // rather than read them once (a read between the two found none).
    const barsDrawn = () =>
      until(
        page,
        "Math.max(0, ...[...(document.querySelector('figure.chart')?.querySelectorAll('.bars rect') ?? [])].map((r) => Number(r.getAttribute('height')))) > 0",
      );
    await barsDrawn();
    const client = stack.sdk(key);
    for (let i = 0; i < 3; i++) {
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: `usage ${i}` }],
      });
      for await (const chunk of stream) void chunk;
    }
    // A filter change reloads at once (auto-refresh would within 10 s).
    const keySelect = page.getByLabel('Key', { exact: true });
    const keyId = await keySelect.locator('option', { hasText: 'browser test' }).getAttribute('value');
    await keySelect.selectOption(keyId ?? '');
    await until(
      page,
      `Number(document.querySelector('[data-requests]')?.getAttribute('data-requests')) >= ${before + 3}`,
    );
    // The bar of this minute grew (the axis may rescale, so compare it with the number of requests).
    const summary = await page.locator('figure.chart').first().getAttribute('aria-label');
    assert.match(summary ?? '', new RegExp(`${before + 3} requests`));
    await barsDrawn();
    const tokensTotal = await page.locator('table.totals').first().locator('tbody tr').first().textContent();
    assert.match(tokensTotal ?? '', /gpt-4o-mini/);
    await page.getByLabel('Key', { exact: true }).selectOption('');
    await until(page, "document.querySelector('[data-requests]') !== null");
    await shot(page, 'usage');
  });

  await t.test('add a model in the form, review the diff, apply, and see it in /v1/models', async () => {
    await open(page, 'models', 'Models & upstreams');
    await page.getByRole('button', { name: 'Add model' }).click();
    const card = page.locator('.card[data-path="/models/4"]');
    await card.getByLabel('Model id').fill('ui-added-model');
    await card.getByLabel('Deployment').fill('gpt-4o-mini');
    await page.locator('.pending-bar').getByText('unsaved change').waitFor();
    await page.locator('.pending-bar').getByRole('button', { name: 'Review & apply' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.locator('.change', { hasText: 'ui-added-model' }).first().waitFor();
    await shot(page, 'models-review', false);
    await dialog.getByRole('button', { name: 'Apply changes' }).click();
    await dialog.getByText('The changes are applied.').waitFor({ timeout: 20_000 });
    for (const step of ['validate', 'caddy_adapt', 'write_files', 'proxy_reload', 'caddy_load']) {
      assert.equal(await dialog.locator(`li.step.ok[data-step="${step}"]`).count(), 1, `step ${step} shown as done`);
    }
    await shot(page, 'models-applied', false);
    await dialog.getByRole('button', { name: 'Close' }).last().click();
    const models = await stack.sdk(await stack.clientKey()).models.list();
    assert.ok(
      models.data.some((m) => m.id === 'ui-added-model'),
      'the new model is listed by /v1/models',
    );
    const reply = await stack
      .sdk(await stack.clientKey())
      .chat.completions.create({ model: 'ui-added-model', messages: [{ role: 'user', content: 'new model works' }] });
    assert.match(reply.choices[0]?.message.content ?? '', /new model works/);
  });

  await t.test("the server's {path, message} issues land on the fields they name", async () => {
    await page.getByRole('button', { name: 'Add model' }).click();
    const card = page.locator('.card[data-path="/models/5"]');
    await card.getByLabel('Model id').fill('gpt-4o-mini');
    await page.locator('.pending-bar').getByRole('button', { name: 'Review & apply' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.getByRole('button', { name: 'Apply changes' }).click();
    await dialog.getByText('The server found problems in the config').waitFor();
    await dialog.getByRole('button', { name: 'Fix the fields' }).click();
    await card.locator('.errors .error', { hasText: 'duplicate model id' }).waitFor();
    await shot(page, 'models-server-error');
    await page.locator('.pending-bar').getByRole('button', { name: 'Discard' }).click();
    await page.locator('.card[data-path="/models/5"]').waitFor({ state: 'detached' });
    // Raw JSON mode shows the whole config with every secret masked.
    await page.locator('.segmented label', { hasText: 'Raw JSON' }).click();
    const raw = await page.locator('#raw-json').inputValue();
    const parsed = JSON.parse(raw) as { upstreams: { auth?: { apiKey?: string } }[]; server: { healthKey?: string } };
    assert.equal(parsed.upstreams[0]?.auth?.apiKey, '********');
    assert.equal(parsed.server.healthKey, '********');
    await shot(page, 'models-json');
    await page.locator('.segmented label', { hasText: 'Form' }).click();
  });

  await t.test('an invalid domain gets a field error and cannot be applied', async () => {
    await open(page, 'domain', 'Domain & TLS');
    await page.getByRole('button', { name: /Add.*domain/ }).click();
    const input = page.getByLabel('Domain 1', { exact: true });
    await input.fill('bad domain!');
    const field = page.locator('.field[data-path="/server/caddy/domains/0"]');
    await field.locator('.error', { hasText: 'not allowed' }).waitFor();
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    await page.locator('.pending-bar').getByRole('button', { name: 'Review & apply' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.getByText('Fix these fields first').waitFor();
    assert.equal(await dialog.getByRole('button', { name: 'Apply changes' }).isDisabled(), true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('.card', { hasText: 'Latest ACME log lines' }).waitFor();
    // The ports in use, from Caddy's running config.
    const listening = await page.locator('#listening').innerText();
    assert.match(listening, new RegExp(`Caddy listens now on .*:${stack.env.HTTPS_PORT}\\b`));
    assert.match(listening, new RegExp(`:${stack.env.HTTP_PORT}\\b`));
    await shot(page, 'domain');
    // Discarding replaces the draft, which draws the page again (admin/ui/src/main.ts): a section
    // the operator opened stays open, and the page is not scrolled back to its top.
    const ports = page.locator('details', { has: page.locator('summary', { hasText: 'Ports (advanced)' }) });
    await ports.locator('summary').click();
    await page.getByLabel('HTTPS port', { exact: true }).waitFor();
    const viewport = page.viewportSize();
    await page.setViewportSize({ width: viewport?.width ?? 1366, height: 400 });
    await page.getByLabel('HTTPS port', { exact: true }).scrollIntoViewIfNeeded();
    const scrolled = Number(await page.evaluate('window.scrollY'));
    assert.ok(scrolled > 0, 'the page is scrolled down to the section');
    await page.locator('#page-title').evaluate((el) => el.setAttribute('data-drawn-before', ''));
    await page.locator('.pending-bar').getByRole('button', { name: 'Discard' }).click();
    await page.locator('#page-title[data-drawn-before]').waitFor({ state: 'detached' });
    await page.locator('#page-title').waitFor();
    assert.notEqual(await ports.getAttribute('open'), null, 'the section opened before the redraw is open after it');
    assert.equal(Number(await page.evaluate('window.scrollY')), scrolled, 'the page keeps its scroll position');
    if (viewport) await page.setViewportSize(viewport);
  });

  await t.test('a stale ETag shows the conflict, and the edit can be re-applied on the latest config', async () => {
    await open(page, 'settings', 'Settings');
    await page.getByLabel('Retries', { exact: true }).fill('2');
    // Meanwhile someone else changes the config (a key created with curl).
    const other = await stack.fetch(`${stack.url}/admin/api/keys`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ label: 'made elsewhere' }),
    });
    assert.equal(other.status, 201);
    await page.locator('.pending-bar').getByRole('button', { name: 'Review & apply' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.getByRole('button', { name: 'Apply changes' }).click();
    await dialog.getByText('Someone else changed the configuration').waitFor();
    await shot(page, 'settings-conflict', false);
    await dialog.getByRole('button', { name: 'Keep my changes on top of the latest' }).click();
    await dialog.locator('.change', { hasText: 'maxRetries' }).waitFor();
    await dialog.getByRole('button', { name: 'Apply changes' }).click();
    await dialog.getByText('The changes are applied.').waitFor({ timeout: 20_000 });
    await dialog.getByRole('button', { name: 'Close' }).last().click();
    const res = await stack.fetch(`${stack.url}/admin/api/config`, {
      headers: { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` },
    });
    const body = (await res.json()) as { server: { upstream: { maxRetries?: number } }; apiKeys: { label?: string }[] };
    assert.equal(body.server.upstream.maxRetries, 2);
    assert.ok(
      body.apiKeys.some((k) => k.label === 'made elsewhere'),
      'the other change is kept',
    );
    await shot(page, 'settings');
  });

  await t.test('logs and the playground', async () => {
    await open(page, 'logs', 'Logs');
    await page.locator('.segmented label', { hasText: 'Proxy' }).click();
    await page.locator('[data-search="logs"]').getByLabel('Model', { exact: true }).fill('ui-added-model');
    await until(
      page,
      "[...document.querySelectorAll('.log-entry')].length > 0 && [...document.querySelectorAll('.log-entry')].every((e) => e.textContent.includes('ui-added-model'))",
    );
    await shot(page, 'logs');
    await open(page, 'playground', 'Playground');
    await page.getByLabel('Client key').fill(key);
    await page.getByLabel('Client key').press('Tab');
    await page.locator('#play-key + .help', { hasText: 'A key is set' }).waitFor();
    await page.getByLabel('Message', { exact: true }).fill('streamed through the playground');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.output', { hasText: 'streamed through the playground' }).waitFor();
    await page.locator('.play-meta', { hasText: 'x-request-id' }).waitFor();
    // An attached image: the proxy compresses it, the page reads the bytes saved from usage.
    // Noise does not compress losslessly: ~1.9 MB of PNG, well over the 256 KB threshold.
    const width = 900;
    const height = 700;
    const noise = await sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer();
    await page.locator('#play-image').setInputFiles({ name: 'noise.png', mimeType: 'image/png', buffer: noise });
    await page.locator('.image-preview', { hasText: 'noise.png' }).waitFor();
    await page.getByLabel('Message', { exact: true }).fill('what is in this picture?');
    await page.getByRole('button', { name: 'Send' }).click();
    const saved = page.locator('.compression .facts > div', { hasText: 'Saved' }).locator('dd');
    await saved.waitFor({ timeout: 15_000 });
    assert.match((await saved.textContent()) ?? '', /\d.*(KB|MB) \(\d+%\)/);
    await shot(page, 'playground');
  });

  await t.test('per upstream: verify the credential and send a test request through the gateway', async () => {
    await open(page, 'models', 'Models & upstreams');
    const upstream = page.locator('.card[data-path="/upstreams/0"]');
    await upstream.getByRole('button', { name: 'Verify credential' }).click();
    await upstream.getByText('The credential works').waitFor();
    // The Playground's key (still in this tab's memory) is used for the test request.
    await upstream.getByRole('button', { name: 'Send a test request' }).click();
    await upstream.locator('.alert-ok', { hasText: /answered in/ }).waitFor();
    await upstream.getByText('The credential works').waitFor();
    await upstream.scrollIntoViewIfNeeded();
    await shot(page, 'models-upstream-checks', false);
  });

  await t.test('revoke a key: the SDK is refused from then on', async () => {
    await open(page, 'keys', 'API keys');
    await page
      .getByRole('button', { name: /Revoke key key-.*/ })
      .first()
      .waitFor();
    const row = page.locator('tr', { hasText: 'browser test' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.getByText('will get 401').waitFor();
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await row.getByText('Revoked').waitFor();
    await assert.rejects(
      stack.sdk(key).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
      (e: { status?: number }) => e.status === 401,
    );
    await shot(page, 'keys-revoked');
  });

  await t.test('language: switch to Simplified Chinese, remembered after a reload', async () => {
    await open(page, 'overview', 'Overview');
    await page.locator('#lang').selectOption('zh-CN');
    await page.locator('h1#page-title', { hasText: '概览' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    await page.reload();
    await page.locator('h1#page-title', { hasText: '概览' }).waitFor();
    await page.locator('nav a[data-nav="usage"]', { hasText: '用量' }).waitFor();
    await page.locator('.tile', { hasText: 'Caddy' }).getByText('运行中').waitFor();
    await shot(page, 'overview-zh');
    await open(page, 'models', '模型与上游');
    await shot(page, 'models-zh');
    await page.locator('#lang').selectOption('en');
    await page.locator('h1#page-title', { hasText: 'Models & upstreams' }).waitFor();
  });

  await t.test('on a phone: the menu is a drawer, pages fit the width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    // The menu is hidden until the menu button opens it.
    assert.equal(await page.locator('nav a[data-nav="usage"]').isVisible(), false);
    await page.getByRole('button', { name: 'Menu' }).click();
    await open(page, 'usage', 'Usage');
    await page.locator('figure.chart .bars rect').first().waitFor();
    await shot(page, 'usage-phone');
    for (const name of [
      'usage',
      'models',
      'keys',
      'teams',
      'domain',
      'logs',
      'audit',
      'playground',
      'access',
      'settings',
      '',
    ]) {
      await page.goto(`${stack.url}/admin/${name}`);
      await page.locator('h1#page-title').waitFor();
      await page
        .locator('.busy')
        .first()
        .waitFor({ state: 'detached' })
        .catch(() => undefined);
      const overflow = Number(
        await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'),
      );
      assert.ok(overflow <= 1, `no sideways scrolling on ${name || 'overview'} (${overflow}px)`);
    }
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.locator('nav a[data-nav="keys"]').waitFor({ state: 'visible' });
    await shot(page, 'menu-phone', false);
    await page.keyboard.press('Escape');
  });

  await t.test('every control has a label; the skip link comes first; no secret is ever on a page', async () => {
    const secrets = [password, await stack.healthKey(), 'simulator-key', await stack.clientKey()];
    for (const name of [
      'overview',
      'usage',
      'models',
      'keys',
      'teams',
      'domain',
      'logs',
      'audit',
      'playground',
      'access',
      'settings',
    ]) {
      await page.goto(`${stack.url}/admin/${name === 'overview' ? '' : name}`);
      await page.locator('h1#page-title').waitFor();
      await page
        .locator('.busy')
        .first()
        .waitFor({ state: 'detached' })
        .catch(() => undefined);
      const html = String(
        await page.evaluate(
          "document.documentElement.outerHTML + [...document.querySelectorAll('input, textarea')].map((e) => e.value).join('\\n')",
        ),
      );
      for (const s of secrets) assert.ok(!html.includes(s), `a secret is rendered on ${name}`);
      const unlabeled = await page.evaluate(
        "[...document.querySelectorAll('input, select, textarea')].filter((e) => e.type !== 'hidden' && !e.labels?.length && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby')).map((e) => e.outerHTML.slice(0, 120))",
      );
      assert.deepEqual(unlabeled, [], `controls without a label on ${name}`);
    }
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement?.className'), 'skip-link');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate('document.activeElement?.id'), 'main');
    assert.deepEqual(pageErrors, []);
  });
});
