// GET /admin/api/dns-providers: the DNS modules of the installed Caddy, and why DNS-01 is not
// offered when it has none.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startAdminStack } from '../harness/admin-stack.js';

test("DNS providers: none in Debian's Caddy, with the reason", async (t) => {
  const stack = await startAdminStack(t);
  const r = await stack.api('GET', '/admin/api/dns-providers');
  assert.equal(r.statusCode, 200);
  const body = r.json<{ providers: string[]; azure: boolean; message: string }>();
  assert.equal(body.azure, false);
  assert.match(body.message, /Caddy built with the Azure DNS module/);
});
