/**
 * The admin API reached through Caddy's HTTPS site: the login challenge, the config's ETag, and
 * the same-origin check working with the headers Caddy forwards.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { basic, startAdminStack } from '../harness/admin-stack.js';

test(
  "through Caddy: login, ETag, and the same-origin check with Caddy's forwarded headers",
  { timeout: 60_000 },
  async (t) => {
    const stack = await startAdminStack(t, { caddy: true });
    const auth = { authorization: basic() };
    const noAuth = await stack.viaCaddy('/admin/api/config');
    assert.equal(noAuth.status, 401);
    assert.match(String(noAuth.headers['www-authenticate']), /^Basic realm="gateway admin"/);
    const r = await stack.viaCaddy('/admin/api/config', { headers: auth });
    assert.equal(r.status, 200);
    assert.match(String(r.headers.etag), /^"[0-9a-f]{64}"$/);
    const site = `https://localhost:${stack.ports.httpsPort}`;
    const revoke = (headers: Record<string, string>) =>
      stack.viaCaddy('/admin/api/keys/nobody/revoke', { method: 'POST', headers: { ...auth, ...headers } });
    assert.equal((await revoke({ origin: 'https://evil.example' })).status, 403);
    assert.equal(
      (await revoke({ origin: site, 'sec-fetch-site': 'same-origin' })).status,
      404,
      'same-origin passes the guard',
    );
    assert.equal((await revoke({})).status, 404, 'no Origin (curl) passes the guard');
  },
);
