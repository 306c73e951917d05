/**
 * GET /admin/api/caddy/status against a real Caddy and proxy: the admin API reachable, the running
 * config with the health key masked, the local-CA certificate of each domain read from storage,
 * upstream health from Caddy's /metrics, and ACME lines with the last ACME error per domain from
 * caddy.log.
 */
import assert from 'node:assert/strict';
import { appendFile } from 'node:fs/promises';
import { test } from 'node:test';
import { startAdminStack } from '../harness/admin-stack.js';
import { HEALTH_KEY } from '../harness/proxy-harness.js';
import { waitUntil } from '../harness/ports.js';

type Json = Record<string, unknown>;

test(
  'Caddy status: reachable, secrets masked, certificate from storage, upstream health',
  { timeout: 60_000 },
  async (t) => {
    const stack = await startAdminStack(t, { caddy: true });
    await appendFile(
      stack.renderEnv.logFile,
      `${JSON.stringify({ level: 'error', ts: Date.now() / 1000, logger: 'tls.issuance.acme.acme_client', msg: 'challenge failed', identifier: 'localhost', error: 'simulated' })}\n`,
    );
    let body: Json = {};
    await waitUntil(
      async () => {
        const r = await stack.api('GET', '/admin/api/caddy/status');
        assert.equal(r.statusCode, 200, r.body);
        assert.ok(!r.body.includes(HEALTH_KEY), 'the health key (health_headers) is masked');
        body = r.json<Json>();
        const health = (body.upstreams as { health?: { upstream: string; healthy: boolean }[] }).health ?? [];
        return health.some((h) => h.upstream === `127.0.0.1:${stack.renderEnv.proxyPort}` && h.healthy);
      },
      15_000,
      'caddy_reverse_proxy_upstreams_healthy for the proxy',
    );
    assert.deepEqual(body.adminApi, { address: stack.renderEnv.adminAddress, reachable: true });
    // Caddy's JSON form of `health_headers` is health_checks.active.headers.
    assert.match(JSON.stringify(body.config), /"active":\{"headers":\{"Authorization":\["\*{8}"\]\}/);
    const [domain] = body.domains as { domain: string; certificate: Json; lastAcmeError: Json | null }[];
    assert.equal(domain?.domain, 'localhost');
    assert.equal(domain?.certificate.found, true, JSON.stringify(domain));
    assert.equal(domain?.certificate.issuerDir, 'local');
    assert.match(String(domain?.certificate.issuer), /Caddy Local Authority/);
    assert.deepEqual(domain?.certificate.names, ['localhost']);
    assert.ok(Date.parse(String(domain?.certificate.notAfter)) > Date.now());
    assert.equal(domain?.lastAcmeError?.error, 'simulated');
    assert.ok((body.acmeLog as Json[]).some((l) => String(l.logger).startsWith('tls')));
    assert.ok(Array.isArray((body.upstreams as Json).counters));
  },
);
