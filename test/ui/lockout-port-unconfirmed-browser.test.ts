/**
 * A public port change nobody confirms is undone by itself at its deadline: the old port keeps
 * serving the admin and the gateway, and the new one closes again (docs/caddy.md, "Staged changes").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { freePort } from '../harness/ports.js';
import { httpsRequest } from '../harness/caddy-process.js';
import {
  STAGED_TIMEOUT_MS,
  assertAdminLoads,
  assertGatewayServes,
  bannerShows,
  fillInSection,
  reviewAndApply,
  startLockoutUi,
} from '../harness/lockout-ui.js';

test(
  'an unconfirmed public port change rolls back by itself; the old port serves throughout',
  { timeout: 120_000 },
  async (t) => {
    const { stack, page, errors, adminUrl } = await startLockoutUi(t);
    const oldPort = stack.ports.httpsPort;
    const newPort = await freePort();

    await fillInSection(page, 'Ports (advanced)', '/server/caddy/httpsPort', String(newPort));
    await reviewAndApply(page);
    await bannerShows(page, `HTTPS is moving from port ${oldPort} to port ${newPort}`);
    await assertGatewayServes(newPort, 'localhost', stack.ca);
    await assertGatewayServes(oldPort, 'localhost', stack.ca);

    const ended = await bannerShows(page, 'The staged change was undone.', STAGED_TIMEOUT_MS + 15_000);
    assert.match(
      ended,
      /It was not committed in time \(still missing: your confirmation\), so it was undone by itself\./,
    );
    const stored = JSON.parse(await readFile(stack.store.configFile, 'utf8')) as {
      server: { caddy: Record<string, unknown> };
    };
    assert.equal(stored.server.caddy.httpsPort, undefined);
    await assertGatewayServes(oldPort, 'localhost', stack.ca);
    await assertAdminLoads(page, adminUrl);
    await assert.rejects(httpsRequest(newPort, '/v1/models', { ca: stack.ca }), { code: 'ECONNREFUSED' });
    assert.deepEqual(errors, []);
  },
);
