/**
 * A domain change whose certificate cannot be obtained (the ACME CA does not answer) is staged:
 * the review says what it does to access, the admin and the gateway keep working on the current
 * address throughout, and the change rolls back by itself at its deadline (docs/caddy.md,
 * "Staged changes").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { freePort } from '../harness/ports.js';
import { shot } from '../harness/browser.js';
import {
  STAGED_TIMEOUT_MS,
  assertAdminLoads,
  assertGatewayServes,
  bannerShows,
  reviewAndApply,
  startLockoutUi,
} from '../harness/lockout-ui.js';

test(
  'a domain change with an unreachable CA rolls back by itself; admin and gateway reachable throughout',
  { timeout: 120_000 },
  async (t) => {
    // Nothing listens on this port: every ACME request fails.
    const deadCa = `https://127.0.0.1:${await freePort()}/dir`;
    const { stack, page, errors, adminUrl } = await startLockoutUi(t, { acme: { ca: deadCa } });
    const { httpsPort } = stack.ports;
    await assertGatewayServes(httpsPort, 'localhost', stack.ca);

    await page.getByRole('button', { name: /Add.*domain/ }).click();
    await page.locator('input[data-path="/server/caddy/domains/1"]').fill('gw.test');
    const warnings = await reviewAndApply(page);
    assert.deepEqual(warnings, [
      'The gateway will answer at gw.test. A certificate has to be issued for it first; until then the current address keeps working.',
      'The change is staged: the old and the new address both work until it is committed, and it is undone by itself if it is not committed in time.',
    ]);

    const pending = await bannerShows(page, 'Waiting for the certificate of gw.test.');
    assert.match(pending, /Undone by itself in 0:\d\d unless committed\./);
    await shot(page, 'staged-domain-pending');
    // While it waits: the stored config still has the old domains, Caddy serves both sites.
    const stored = JSON.parse(await readFile(stack.store.configFile, 'utf8')) as {
      server: { caddy: { domains: string[] } };
    };
    assert.deepEqual(stored.server.caddy.domains, ['localhost']);
    assert.match(await readFile(stack.store.caddyfile, 'utf8'), /^gw\.test:\d+ \{$/m);
    await assertGatewayServes(httpsPort, 'localhost', stack.ca);
    await assertAdminLoads(page, adminUrl);

    const ended = await bannerShows(page, 'The staged change was undone.', STAGED_TIMEOUT_MS + 15_000);
    assert.match(ended, /It was not committed in time \(still missing: gw\.test\), so it was undone by itself\./);
    await shot(page, 'staged-domain-rolled-back');
    assert.doesNotMatch(await readFile(stack.store.caddyfile, 'utf8'), /gw\.test/);
    await assertGatewayServes(httpsPort, 'localhost', stack.ca);
    await assertAdminLoads(page, adminUrl);
    assert.deepEqual(errors, []);
  },
);
