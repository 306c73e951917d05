/**
 * Moving the public HTTPS port is staged: Caddy listens on both ports, the review says where the
 * admin will be, and the operator confirms from the new address; only then is the old port
 * dropped (docs/caddy.md, "Staged changes").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { freePort } from '../harness/ports.js';
import { shot } from '../harness/browser.js';
import { httpsRequest } from '../harness/caddy-process.js';
import {
  assertAdminLoads,
  assertGatewayServes,
  bannerShows,
  fillInSection,
  reviewAndApply,
  startLockoutUi,
} from '../harness/lockout-ui.js';

test(
  'a public port change confirmed from the new address is committed; the old port then closes',
  { timeout: 120_000 },
  async (t) => {
    const { stack, page, errors, adminUrl, newPage } = await startLockoutUi(t);
    const oldPort = stack.ports.httpsPort;
    const newPort = await freePort();

    await fillInSection(page, 'Ports (advanced)', '/server/caddy/httpsPort', String(newPort));
    const warnings = await reviewAndApply(page);
    assert.deepEqual(warnings, [
      `After this change the admin is reached at https://localhost:${newPort}/admin; the current address (${adminUrl}) stops working once the change is committed.`,
      `HTTPS moves to port ${newPort}. Open the new address and confirm there (or confirm here); unconfirmed, the change is undone by itself.`,
      'The change is staged: the old and the new address both work until it is committed, and it is undone by itself if it is not committed in time.',
    ]);
    await bannerShows(
      page,
      `HTTPS is moving from port ${oldPort} to port ${newPort}: open https://localhost:${newPort}/admin and confirm there.`,
    );
    await assertGatewayServes(oldPort, 'localhost', stack.ca);
    await assertGatewayServes(newPort, 'localhost', stack.ca);

    // The operator opens the new address and confirms there.
    const there = await newPage();
    await assertAdminLoads(there, `https://localhost:${newPort}/admin`);
    await shot(there, 'staged-port-pending');
    // The tab on the old address keeps polling; once the old port closes it could only fail.
    await page.close();
    await there.locator('.staged-banner').getByRole('button', { name: 'Confirm the change' }).click();
    const ended = await bannerShows(there, 'The staged change was committed.');
    assert.match(ended, /You confirmed it from the new address\./);

    const stored = JSON.parse(await readFile(stack.store.configFile, 'utf8')) as {
      server: { caddy: { httpsPort: number } };
    };
    assert.equal(stored.server.caddy.httpsPort, newPort);
    await assertGatewayServes(newPort, 'localhost', stack.ca);
    await assertAdminLoads(there, `https://localhost:${newPort}/admin`);
    await assert.rejects(httpsRequest(oldPort, '/v1/models', { ca: stack.ca }), { code: 'ECONNREFUSED' });
    assert.deepEqual(errors, []);
  },
);
