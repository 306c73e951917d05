/**
 * Observability routes against a real Caddy and proxy: Caddy's status (admin API reachable, the
 * running config with the health key masked, the local-CA certificate of each domain read from
 * storage, upstream health from /metrics, ACME lines and the last ACME error per domain from
 * caddy.log), the admin API through Caddy (login, same-origin check with Caddy's headers), logs from both sources, usage through the proxy, DNS providers, and the upstream
 * credential check (a real token from the managed-identity simulator, never returned).
 */
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { filterLines, lastAcmeError, tailJsonLines } from '../../admin/caddy/log.js';
import { basic, startAdminStack } from '../harness/admin-stack.js';
import { CLIENT_KEY, HEALTH_KEY, SIM_API_KEY } from '../harness/proxy-harness.js';
import { waitUntil } from '../harness/ports.js';

type Json = Record<string, unknown>;

test('caddy.log is read from its tail only, and ACME errors are found per domain', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'gw-caddylog-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'caddy.log');
  const filler = `${JSON.stringify({ level: 'info', ts: 1, logger: 'http.log.access', msg: 'handled request', pad: 'x'.repeat(200) })}\n`;
  const old = { level: 'error', ts: 2, logger: 'tls.obtain', msg: 'could not get certificate from issuer', identifier: 'old.example', error: 'too old to be seen' };
  const lines = [
    { level: 'error', ts: 3, logger: 'tls.obtain', msg: 'could not get certificate from issuer', identifier: 'gw.example', error: 'HTTP 400 urn:ietf:params:acme:error:connection' },
    { level: 'info', ts: 4, logger: 'tls.obtain', msg: 'obtaining certificate', identifier: 'gw.example' },
    { level: 'error', ts: 5, logger: 'http.log.access', msg: 'handled request', host: 'gw.example' },
  ];
  await writeFile(file, `${JSON.stringify(old)}\n${filler.repeat(1400)}not json\n${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  const tail = await tailJsonLines(file);
  assert.ok(tail.length < 1400, 'only the last 256 KB is parsed');
  assert.equal(lastAcmeError(tail, 'old.example'), undefined);
  assert.equal(lastAcmeError(tail, 'GW.example')?.error, 'HTTP 400 urn:ietf:params:acme:error:connection');
  assert.deepEqual(filterLines(tail, { limit: 5, minLevel: 50 }).map((l) => l.ts), [3, 5]);
  assert.deepEqual(filterLines(tail, { limit: 1, contains: 'obtaining' }).map((l) => l.ts), [4]);
  assert.deepEqual(await tailJsonLines(path.join(dir, 'missing.log')), []);
});

test('status, logs, usage and credential checks with a real Caddy and proxy', { timeout: 60_000 }, async (t) => {
  const stack = await startAdminStack(t, { caddy: true });

  await t.test('Caddy status: reachable, secrets masked, certificate from storage, upstream health', async () => {
    await appendFile(stack.renderEnv.logFile, `${JSON.stringify({ level: 'error', ts: Date.now() / 1000, logger: 'tls.issuance.acme.acme_client', msg: 'challenge failed', identifier: 'localhost', error: 'simulated' })}\n`);
    let body: Json = {};
    await waitUntil(async () => {
      const r = await stack.api('GET', '/admin/api/caddy/status');
      assert.equal(r.statusCode, 200, r.body);
      assert.ok(!r.body.includes(HEALTH_KEY), 'the health key (health_headers) is masked');
      body = r.json<Json>();
      const health = (body.upstreams as { health?: { upstream: string; healthy: boolean }[] }).health ?? [];
      return health.some((h) => h.upstream === `127.0.0.1:${stack.renderEnv.proxyPort}` && h.healthy);
    }, 15_000, 'caddy_reverse_proxy_upstreams_healthy for the proxy');
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
  });

  await t.test('through Caddy: login, ETag, and the same-origin check with Caddy\'s forwarded headers', async () => {
    const auth = { authorization: basic() };
    const noAuth = await stack.viaCaddy('/admin/api/config');
    assert.equal(noAuth.status, 401);
    assert.match(String(noAuth.headers['www-authenticate']), /^Basic realm="gateway admin"/);
    const r = await stack.viaCaddy('/admin/api/config', { headers: auth });
    assert.equal(r.status, 200);
    assert.match(String(r.headers.etag), /^"[0-9a-f]{64}"$/);
    const site = `https://localhost:${stack.ports.httpsPort}`;
    const revoke = (headers: Record<string, string>) => stack.viaCaddy('/admin/api/keys/nobody/revoke', { method: 'POST', headers: { ...auth, ...headers } });
    assert.equal((await revoke({ origin: 'https://evil.example' })).status, 403);
    assert.equal((await revoke({ origin: site, 'sec-fetch-site': 'same-origin' })).status, 404, 'same-origin passes the guard');
    assert.equal((await revoke({})).status, 404, 'no Origin (curl) passes the guard');
  });

  await t.test('logs from Caddy (file tail) and from the proxy', async () => {
    await stack.viaCaddy('/v1/models', { key: CLIENT_KEY });
    await waitUntil(async () => (await stack.api('GET', '/admin/api/logs?source=caddy&q=http.log.access&limit=5')).json<{ lines: Json[] }>().lines.length > 0, 5_000, 'access log lines');
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

  await t.test('usage is the proxy\'s /internal/stats', async () => {
    const r = await stack.api('GET', '/admin/api/usage?resolution=minute&model=gpt-4o-mini');
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(typeof r.json(), 'object');
  });

  await t.test('DNS providers: none in Debian\'s Caddy, with the reason', async () => {
    const r = await stack.api('GET', '/admin/api/dns-providers');
    assert.equal(r.statusCode, 200);
    const body = r.json<{ providers: string[]; azure: boolean; message: string }>();
    assert.equal(body.azure, false);
    assert.match(body.message, /Caddy built with the Azure DNS module/);
  });

  await t.test('verify upstream credential: a token for Entra modes, "set" for api-key, never the secret', async () => {
    const mi = await stack.api('POST', '/admin/api/upstreams/foundry/verify');
    assert.equal(mi.statusCode, 200, mi.body);
    const body = mi.json<{ ok: boolean; mode: string; expiresAt: string }>();
    assert.equal(body.ok, true);
    assert.equal(body.mode, 'managedIdentity');
    assert.ok(Date.parse(body.expiresAt) > Date.now());
    for (const token of stack.harness.identity.tokensIssued) assert.ok(!mi.body.includes(token), 'the token is never returned');
    const keyed = await stack.api('POST', '/admin/api/upstreams/keyed/verify');
    assert.equal(keyed.json<{ ok: boolean; mode: string }>().mode, 'apiKey');
    assert.ok(!keyed.body.includes(SIM_API_KEY));
    assert.equal((await stack.api('POST', '/admin/api/upstreams/nope/verify')).statusCode, 404);
    const log = stack.logLines.join('\n');
    for (const token of stack.harness.identity.tokensIssued) assert.ok(!log.includes(token));
  });
});
