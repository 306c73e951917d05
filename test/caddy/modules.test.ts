/**
 * Module detection runs the real `caddy list-modules`: Debian's Caddy 2.6.2 has reverse_proxy and
 * no DNS provider (docs/architecture.md, "DNS-01 only with the DNS module"), so DNS-01 must not be offered on it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dnsProviders, listCaddyModules, parseModuleList } from '../../admin/caddy/modules.js';
import { CADDY_BIN as CADDY } from '../harness/caddy-process.js';

test('parses module ids and skips the totals', () => {
  const out = 'admin.api.load\nhttp\nhttp.handlers.reverse_proxy\ndns.providers.azure\n\n  Standard modules: 98\n\n  Non-standard modules: 1\n\n  Unknown modules: 0\n';
  assert.deepEqual(parseModuleList(out), ['admin.api.load', 'http', 'http.handlers.reverse_proxy', 'dns.providers.azure']);
});

test('lists the real Caddy modules, cached', async () => {
  const modules = await listCaddyModules(CADDY);
  assert.ok(modules.includes('http.handlers.reverse_proxy'));
  assert.ok(modules.includes('tls.issuance.acme'));
  assert.ok(modules.length > 50, `only ${modules.length} modules`);
  assert.equal(listCaddyModules(CADDY), listCaddyModules(CADDY), 'one run per binary');
});

test("Debian's Caddy has no DNS provider modules", async () => {
  assert.deepEqual(await dnsProviders(CADDY), []);
});

test('a missing binary rejects and is not cached', async () => {
  const missing = '/nonexistent/caddy-for-test';
  await assert.rejects(listCaddyModules(missing), /ENOENT/);
  await assert.rejects(dnsProviders(missing), /ENOENT/);
});
