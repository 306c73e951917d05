/**
 * A client key sent in a query string (`?api-key=…`, which some clients do) never reaches Caddy's
 * access log or the admin's log view: the log filter cuts the value out of the logged URI, and
 * the admin redacts such parameters again in what it shows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startAdminStack } from '../harness/admin-stack.js';
import { CLIENT_KEY } from '../harness/proxy-harness.js';
import { waitUntil } from '../harness/ports.js';
import { scrubQuerySecrets } from '../../admin/config/redact.js';

test('a key in the query string is not written to the access log nor shown by the admin', { timeout: 60_000 }, async (t) => {
  const stack = await startAdminStack(t, { caddy: true });
  const r = await stack.viaCaddy(`/v1/models?api-version=2024-10-21&api-key=${CLIENT_KEY}&subscription-key=${CLIENT_KEY}`);
  assert.equal(r.status, 401, 'the proxy takes keys from headers only');
  const logFile = stack.renderEnv.logFile;
  await waitUntil(async () => (await readFile(logFile, 'utf8')).includes('api-version=2024-10-21&api-key=REDACTED&subscription-key=REDACTED'), 10_000, 'the request in the access log');
  assert.ok(!(await readFile(logFile, 'utf8')).includes(CLIENT_KEY));
  const shown = await stack.api('GET', '/admin/api/logs?source=caddy&limit=2000');
  assert.equal(shown.statusCode, 200);
  assert.ok(!shown.body.includes(CLIENT_KEY));
  assert.ok(shown.body.includes('api-key=REDACTED'));
});

test('the admin redacts secret-looking query parameters of logged URIs written before the filter', () => {
  assert.equal(scrubQuerySecrets('/v1/models?api-version=1&api-key=sk-1&x=2&Access_Token=t&sig=s#f'), '/v1/models?api-version=1&api-key=REDACTED&x=2&Access_Token=REDACTED&sig=REDACTED#f');
  assert.equal(scrubQuerySecrets('/v1/models'), '/v1/models');
});
