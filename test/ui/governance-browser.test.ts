/**
 * Governance in the admin UI, in Chromium through Caddy against a real admin and proxy: create a
 * team, create a key in it with an owner, tags, expiry, limits and a budget (a value the server
 * refuses lands on its field first), see it listed with its team and limits, use it, edit its
 * limits, rotate it (the new secret shown once, the old one working through the grace period), see
 * a spent team budget's alerts, a team with keys not deleted, the cost on the Usage page, and the
 * Audit page saying the chain is intact with those actions.
 * Screenshots in English and Chinese, at laptop and phone width, go to test-artifacts/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, ADMIN_USER, startAdminStack } from '../harness/admin-stack.js';
import { assertUiBuilt, loggedInPage, open, shot, startBrowser } from '../harness/browser.js';
import { HELLO } from '../harness/proxy-harness.js';

type Json = Record<string, unknown>;

test(
  'teams, keys with limits and budgets, rotation and the audit log in the admin UI',
  { timeout: 120_000 },
  async (t) => {
    await assertUiBuilt();
    const stack = await startAdminStack(t, {
      caddy: true,
      configure: (config) => ((config.models as Json[])[0]!.price = { inputPerMillion: 5, outputPerMillion: 15 }),
    });
    const browser = await startBrowser(t);
    const errors: string[] = [];
    const page = await loggedInPage(browser, ADMIN_USER, ADMIN_PASSWORD, errors);
    const base = `https://localhost:${stack.ports.httpsPort}`;

    // A team with a shared limit and budget.
    await page.goto(`${base}/admin/teams`);
    await page.locator('h1#page-title', { hasText: 'Teams' }).waitFor();
    const teamForm = page.locator('form', { has: page.getByRole('button', { name: 'Create team' }) });
    await teamForm.getByLabel('Id', { exact: true }).fill('research');
    await teamForm.getByLabel('Label', { exact: true }).fill('Research');
    await teamForm.getByLabel('Requests per minute').fill('600');
    await teamForm.getByLabel('Amount').fill('50');
    await teamForm.getByRole('button', { name: 'Create team' }).click();
    const teamCard = page.locator('.team-card', { hasText: 'Research' });
    await teamCard.getByText('600 req/min').waitFor();
    await teamCard.getByText('$0.00 of $50.00 this month').waitFor();

    // A key in it; a tag longer than the schema allows comes back from the server onto the tags field.
    await open(page, 'keys', 'API keys');
    const keyForm = page.locator('form', { has: page.getByRole('button', { name: 'Create key' }) });
    await keyForm.getByLabel('Label', { exact: true }).fill('gov-ui');
    await keyForm.getByLabel('Id (optional)').fill('gov-ui');
    await keyForm.getByLabel('Team').selectOption('research');
    await keyForm.getByLabel('Owner').fill('alice@example.com');
    await keyForm.getByLabel('Tags').fill(`batch, ${'x'.repeat(70)}`);
    await keyForm.getByLabel('Expires').fill('2030-01-01T12:00');
    await keyForm.getByText('Limits and budget').click();
    await keyForm.getByLabel('Requests per minute').fill('60');
    await keyForm.getByLabel('Tokens per minute').fill('60000');
    await keyForm.getByLabel('Amount').fill('10');
    await keyForm.getByLabel('Period').selectOption('day');
    await keyForm.getByLabel('Alert at').fill('50, 90');
    await keyForm.getByRole('button', { name: 'Create key' }).click();
    await keyForm
      .locator('.field[data-path="/tags"] .error', { hasText: '#2: must NOT have more than 64 characters' })
      .waitFor();
    assert.equal(await keyForm.getByLabel('Tags').getAttribute('aria-invalid'), 'true');
    await keyForm.getByLabel('Tags').fill('batch, eu');
    await keyForm.getByRole('button', { name: 'Create key' }).click();
    const secretInput = page.locator('#new-key');
    await secretInput.waitFor();
    const secret = await secretInput.inputValue();
    assert.match(secret, /^sk-gw-/);
    const row = page.locator('tr', { hasText: 'gov-ui' });
    await row.getByText('research').waitFor();
    await row.getByText('alice@example.com').waitFor();
    await row.locator('.chip', { hasText: 'eu' }).waitFor();
    await row.getByText('60 req/min · 60K tok/min · $10.00/day').waitFor();
    const stored = (await stack.api('GET', '/admin/api/keys'))
      .json<{ data: Json[] }>()
      .data.find((k) => k.id === 'gov-ui');
    assert.deepEqual(
      {
        team: stored?.team,
        tags: stored?.tags,
        expiresAt: stored?.expiresAt,
        limits: stored?.limits,
        budget: stored?.budget,
      },
      {
        team: 'research',
        tags: ['batch', 'eu'],
        expiresAt: new Date('2030-01-01T12:00').toISOString().replace('.000Z', 'Z'),
        limits: { requestsPerMinute: 60, tokensPerMinute: 60000 },
        budget: { amount: 10, period: 'day', alertAt: [0.5, 0.9] },
      },
    );

    // Used once: last use and spend appear in the list (the model has a price).
    await stack.harness.sdk(secret).chat.completions.create(HELLO);
    await open(page, 'teams', 'Teams');
    await open(page, 'keys', 'API keys');
    await row.locator('time').waitFor();
    assert.notEqual((await row.locator('td.num').textContent())?.trim(), '$0.00', 'spend this month is counted');
    await shot(page, 'gov-keys');

    // Edit: the limit changes and is in force.
    await row.getByRole('button', { name: 'Edit key gov-ui' }).click();
    const edit = page.locator('dialog[open]');
    await edit.getByLabel('Requests per minute').fill('120');
    await shot(page, 'gov-key-edit', false);
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await row.getByText('120 req/min · 60K tok/min · $10.00/day').waitFor();

    // Rotate with a grace period: the new secret once, the old one still accepted.
    await row.getByRole('button', { name: 'Rotate key gov-ui' }).click();
    const rotate = page.locator('dialog[open]');
    await rotate.getByLabel('Grace period').fill('1');
    await rotate.getByLabel('Unit').selectOption('hours');
    await rotate.getByRole('button', { name: 'Rotate' }).click();
    await page.locator('#new-key-title', { hasText: 'Key "gov-ui" rotated' }).waitFor();
    const rotated = await secretInput.inputValue();
    assert.match(rotated, /^sk-gw-/);
    assert.notEqual(rotated, secret);
    await page.locator('.new-key', { hasText: 'The previous secret keeps working until' }).waitFor();
    await row.getByText('old secret until').waitFor();
    await shot(page, 'gov-key-rotated');
    for (const k of [rotated, secret]) {
      const answer = await stack.harness.sdk(k).chat.completions.create(HELLO);
      assert.match(answer.choices[0]?.message.content ?? '', /hello/);
    }
    // A team whose budget one request spends: its alerts show as crossed this period.
    const tiny = await stack.api('POST', '/admin/api/teams', {
      body: { id: 'tiny', budget: { amount: 0.00002, period: 'day' } },
    });
    assert.equal(tiny.statusCode, 201, tiny.body);
    const spender = await stack.api('POST', '/admin/api/keys', { body: { id: 'spender', team: 'tiny' } });
    assert.equal(spender.statusCode, 201, spender.body);
    await stack.harness.sdk(String(spender.json<Json>().key)).chat.completions.create(HELLO);

    await open(page, 'teams', 'Teams');
    assert.equal(await page.getByText(rotated).count(), 0);
    await teamCard.locator('.chip', { hasText: 'gov-ui' }).waitFor();
    const tinyCard = page.locator('.team-card', { hasText: 'tiny' });
    for (const alert of ['50% reached', '80% reached', 'Budget spent'])
      await tinyCard.locator('.badge', { hasText: alert }).waitFor();
    await tinyCard.locator('.meter-fill.meter-error').waitFor();
    await shot(page, 'gov-teams');

    // A team with keys is not deleted, and the page says why in its own words.
    await teamCard.getByRole('button', { name: 'Delete team research' }).click();
    await page.locator('dialog[open]').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Team research still has keys (gov-ui)').waitFor();
    await teamCard.waitFor();

    // The cost on the Usage page, and its CSV with the page's filters.
    await open(page, 'usage', 'Usage');
    await page.locator('table.totals th', { hasText: 'Cost (USD)' }).first().waitFor();
    const href = await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href');
    assert.match(href ?? '', /^\/admin\/api\/usage\?format=csv&from=\d+&to=\d+$/);
    const csv = await page.request.get(`${base}${href}`);
    assert.equal(csv.status(), 200);
    assert.match(await csv.text(), /^start,minutes,model,key,team,target,.*,cost,currency\r\n/);
    assert.match(await csv.text(), /,gov-ui,research,/);

    // The audit log: intact, with what was just done.
    await open(page, 'audit', 'Audit log');
    await page.getByText('The hash chain is intact.').waitFor();
    const entries = page.locator('table.audit-table tbody tr');
    for (const action of ['Team created', 'Key created', 'Key changed', 'Key rotated']) {
      await entries
        .filter({ hasText: action })
        .filter({ hasText: /research|gov-ui/ })
        .first()
        .waitFor();
    }
    const changed = entries.filter({ hasText: 'Key changed' }).first();
    await changed.locator('summary').click();
    await changed
      .locator('.change', { hasText: '/apiKeys[gov-ui]/limits/requestsPerMinute' })
      .getByText('120')
      .waitFor();
    await shot(page, 'gov-audit');

    // Chinese, at laptop and phone width: the same pages read in Chinese and fit the screen.
    await page.locator('#lang').selectOption('zh-CN');
    await page.locator('h1#page-title', { hasText: '审计日志' }).waitFor();
    await page.getByText('哈希链完整。').waitFor();
    await shot(page, 'gov-audit-zh');
    await open(page, 'keys', 'API 密钥');
    await page.locator('tr', { hasText: 'gov-ui' }).getByText('120 请求/分钟').waitFor();
    await shot(page, 'gov-keys-zh');
    await page.setViewportSize({ width: 390, height: 844 });
    for (const name of ['teams', 'keys', 'audit']) {
      await page.goto(`${base}/admin/${name}`);
      await page.locator('h1#page-title').waitFor();
      await page.locator('.busy').first().waitFor({ state: 'detached' });
      const overflow = Number(
        await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'),
      );
      assert.ok(overflow <= 1, `no sideways scrolling on ${name} (${overflow}px)`);
      await shot(page, `gov-${name}-zh-phone`);
    }
    assert.deepEqual(errors, []);
  },
);
