/**
 * A domain change whose certificate is issued (Debian's pebble as the ACME CA) is staged, then
 * committed by itself as soon as Caddy serves the new certificate; the new name and the current
 * address both reach the admin and the gateway (docs/caddy.md, "Staged changes").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startPebble } from '../harness/pebble.js';
import { shot } from '../harness/browser.js';
import {
  assertAdminLoads,
  assertGatewayServes,
  bannerShows,
  reviewAndApply,
  startLockoutUi,
} from '../harness/lockout-ui.js';

test(
  'a domain change with pebble issuing is committed once the certificate is served',
  { timeout: 120_000 },
  async (t) => {
    const pebble = await startPebble(t);
    const { stack, page, errors, adminUrl } = await startLockoutUi(t, {
      acme: { ca: pebble.directoryUrl, caRoot: pebble.tlsCaFile },
    });
    const { httpsPort } = stack.ports;

    await page.getByRole('button', { name: /Add.*domain/ }).click();
    await page.locator('input[data-path="/server/caddy/domains/1"]').fill('proxy.test');
    const warnings = await reviewAndApply(page);
    assert.equal(
      warnings[0],
      'The gateway will answer at proxy.test. A certificate has to be issued for it first; until then the current address keeps working.',
    );

    const ended = await bannerShows(page, 'The staged change was committed.', 30_000);
    assert.match(ended, /Every new certificate was issued\./);
    await shot(page, 'staged-domain-committed');
    const stored = JSON.parse(await readFile(stack.store.configFile, 'utf8')) as {
      server: { caddy: { domains: string[] } };
    };
    assert.deepEqual(stored.server.caddy.domains, ['localhost', 'proxy.test']);
    assert.equal(await pebble.orders(), 1);

    await assertGatewayServes(httpsPort, 'proxy.test', await pebble.issuingRoot());
    await assertGatewayServes(httpsPort, 'localhost', stack.ca);
    await assertAdminLoads(page, `https://proxy.test:${httpsPort}/admin`);
    await assertAdminLoads(page, adminUrl);
    assert.deepEqual(errors, []);
  },
);
