/**
 * GET /admin/api/logs: Caddy's lines from the tail of its log file and the proxy's from its
 * internal listener, filtered by level and text, with no key in them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startAdminStack } from '../harness/admin-stack.js';
import { CLIENT_KEY, HEALTH_KEY } from '../harness/proxy-harness.js';
import { waitUntil } from '../harness/ports.js';

type Json = Record<string, unknown>;

test('logs from Caddy (file tail) and from the proxy', { timeout: 60_000 }, async (t) => {
  const stack = await startAdminStack(t, { caddy: true });
  await stack.viaCaddy('/v1/models', { key: CLIENT_KEY });
  await waitUntil(
    async () =>
      (await stack.api('GET', '/admin/api/logs?source=caddy&q=http.log.access&limit=5')).json<{ lines: Json[] }>().lines
        .length > 0,
    5_000,
    'access log lines',
  );
  const caddy = await stack.api('GET', '/admin/api/logs?source=caddy&limit=500');
  assert.equal(caddy.statusCode, 200);
  assert.ok(!caddy.body.includes(CLIENT_KEY) && !caddy.body.includes(HEALTH_KEY));
  const errors = await stack.api('GET', '/admin/api/logs?source=caddy&level=error');
  assert.ok(errors.json<{ lines: { level: string }[] }>().lines.every((l) => l.level === 'error'));
  stack.harness.app.log.warn({ marker: 'admin-logs-test' }, 'a proxy warning');
  const proxy = await stack.api('GET', '/admin/api/logs?source=proxy&level=warn&q=admin-logs-test');
  assert.equal(proxy.statusCode, 200, proxy.body);
  assert.equal(proxy.json<{ lines: Json[] }>().lines.length, 1);
  assert.equal((await stack.api('GET', '/admin/api/logs?source=elsewhere')).statusCode, 400);
});
