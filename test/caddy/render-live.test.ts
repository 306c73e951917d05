/**
 * The rendered Caddyfile run by the real Caddy on free loopback ports, in front of tiny stand-ins
 * for the proxy (its /healthz answers 200 only with the right Bearer) and the admin service:
 * the health check with its header routes traffic, a wrong health key gives 503, /admin exists
 * only with admin auth enabled, internal paths are 404, HTTP redirects keep the HTTPS port, both
 * log outputs receive the access log, and with no domain a bare IP gets a local-CA certificate
 * while a stranger's SNI does not.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { validateConfig } from '../../common/config/validate.js';
import { renderCaddyfile, type CaddyRenderEnv } from '../../admin/caddy/caddyfile-render.js';
import { caddyPorts, httpRequest, httpsRequest, loadCaddyfile, localRootCaFile, startCaddy, type Reply } from '../harness/caddy-process.js';
import { waitUntil } from '../harness/ports.js';

const HEALTH_KEY = 'hk-live-0123456789abcdef';
const NOT_FOUND = '{"error":{"message":"Not found","type":"invalid_request_error","param":null,"code":"not_found"}}';

/** A loopback HTTP server answering with `handler`; resolves to its port. */
async function stub(handler: http.RequestListener): Promise<{ port: number; server: http.Server }> {
  const server = http.createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, server };
}

/** GET over TLS to 127.0.0.1 with an optional SNI name (none: a bare-IP client), trusting only `ca`. */
function httpsGet(port: number, urlPath: string, ca: string, servername?: string, headers: Record<string, string> = {}): Promise<Reply> {
  return httpsRequest(port, urlPath, { ca, servername: servername ?? null, headers });
}

test('the rendered Caddyfile routes, health-checks, redirects and logs as designed', { timeout: 90_000 }, async (t) => {
  const tmp = await mkdtemp(path.join(tmpdir(), 'caddy-live-'));
  // Runs before the hook that stops Caddy (hooks run in order): a removal racing a file Caddy
  // writes is retried, and a failure must not keep that hook from running.
  t.after(() => rm(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => undefined));

  const proxy = await stub((req, res) => {
    if (req.url === '/healthz') {
      const ok = req.headers.authorization === `Bearer ${HEALTH_KEY}`;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify({ ok }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ from: 'proxy', url: req.url, proto: req.headers['x-forwarded-proto'] }));
  });
  const admin = await stub((req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`admin ${req.url ?? ''}`));
  t.after(() => proxy.server.close());
  t.after(() => admin.server.close());

  const { httpsPort, httpPort, adminPort: caddyAdminPort } = await caddyPorts();
  const env: CaddyRenderEnv = {
    adminAddress: `localhost:${caddyAdminPort}`,
    storageRoot: path.join(tmp, 'storage'),
    logFile: path.join(tmp, 'caddy.log'),
    proxyPort: proxy.port,
    adminPort: admin.port,
    httpsPort,
    httpPort,
    bindAddress: '127.0.0.1',
    dnsModules: [],
  };
  const render = (server: Record<string, unknown>): string => {
    const v = validateConfig({ server: { healthKey: HEALTH_KEY, ...server } });
    assert.ok(v.ok, JSON.stringify(v.ok ? [] : v.issues));
    return renderCaddyfile(v.config, env);
  };

  const file = path.join(tmp, 'Caddyfile');
  await writeFile(file, render({ caddy: { domain: 'localhost' } }), { mode: 0o600 });
  const caddy = await startCaddy(t, { configFile: file, dir: tmp, adminPort: caddyAdminPort });

  const rootFile = localRootCaFile(env.storageRoot);
  let ca = '';
  await waitUntil(async () => {
    ca = await readFile(rootFile, 'utf8');
    return (await httpsGet(httpsPort, '/v1/x', ca, 'localhost')).status === 200;
  }, 20_000, 'Caddy to serve /v1/x with the health check passing');

  await t.test('the health check with its Authorization header routes traffic to the proxy', async () => {
    const r = await httpsGet(httpsPort, '/v1/models?x=1', ca, 'localhost');
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body), { from: 'proxy', url: '/v1/models?x=1', proto: 'https' });
    assert.equal(r.headers['content-encoding'], undefined, 'no encode in front of the proxy');
  });

  await t.test('internal paths and unknown paths are 404 in OpenAI shape', async () => {
    for (const p of ['/internal/reload', '/internal/stats', '/metrics', '/', '/v2/x']) {
      const r = await httpsGet(httpsPort, p, ca, 'localhost');
      assert.equal(r.status, 404, p);
      assert.equal(r.body, NOT_FOUND);
      assert.match(String(r.headers['content-type']), /^application\/json/);
    }
  });

  await t.test('/admin reaches the admin service while admin auth is enabled', async () => {
    const r = await httpsGet(httpsPort, '/admin/', ca, 'localhost');
    assert.equal(r.status, 200);
    assert.equal(r.body, 'admin /admin/');
  });

  await t.test('HTTP redirects to HTTPS keeping the non-443 port', async () => {
    const r = await httpRequest(httpPort, '/v1/chat/completions?a=b', { headers: { host: `localhost:${httpPort}` } });
    assert.equal(r.status, 301);
    assert.equal(r.headers.location, `https://localhost:${httpsPort}/v1/chat/completions?a=b`);
  });

  await t.test('access logs reach both stdout and the log file, without client keys', async () => {
    const keys = { authorization: 'Bearer sk-live-authorization', 'api-key': 'sk-live-api-key', 'x-api-key': 'sk-live-x-api-key' };
    assert.equal((await httpsGet(httpsPort, '/v1/keyed', ca, 'localhost', keys)).status, 200);
    await waitUntil(async () => (await readFile(env.logFile, 'utf8')).includes('"uri":"/v1/keyed"'), 5_000, 'the keyed request in the log file');
    await waitUntil(async () => (await readFile(env.logFile, 'utf8')).includes('"logger":"http.log.access'), 5_000, 'access log in the file');
    const [fileLog, stdoutLog] = [await readFile(env.logFile, 'utf8'), await readFile(caddy.outputFile, 'utf8')];
    for (const log of [fileLog, stdoutLog]) {
      assert.match(log, /"logger":"http\.log\.access[^"]*".*"uri":"\/internal\/reload"/);
      assert.match(log, /"logger":"tls/, "Caddy's own log (certificates) is there too");
      assert.match(log, /"uri":"\/v1\/keyed"/);
      assert.ok(!log.includes(HEALTH_KEY), 'the health key is never logged');
      assert.ok(!log.includes('sk-live-'), 'client keys are never logged');
    }
  });

  await t.test('with admin auth disabled there is no /admin route', async () => {
    await loadCaddyfile(caddyAdminPort, render({ caddy: { domain: 'localhost' }, adminAuth: { enabled: false } }));
    // A connection kept alive from before the load can still reach the old routes for a moment.
    await waitUntil(async () => (await httpsGet(httpsPort, '/admin/', ca, 'localhost')).status === 404, 10_000, 'the new config without /admin');
    const r = await httpsGet(httpsPort, '/admin/', ca, 'localhost');
    assert.equal(r.status, 404);
    assert.equal(r.body, NOT_FOUND);
  });

  await t.test('a wrong health key in the Caddyfile gives 503, the right one recovers', async () => {
    const wrong = render({ caddy: { domain: 'localhost' }, healthKey: 'hk-wrong-0123456789abcdef' });
    await loadCaddyfile(caddyAdminPort, wrong);
    await waitUntil(async () => (await httpsGet(httpsPort, '/v1/x', ca, 'localhost')).status === 503, 15_000, '503 after a failed health check');
    await loadCaddyfile(caddyAdminPort, render({ caddy: { domain: 'localhost' } }));
    await waitUntil(async () => (await httpsGet(httpsPort, '/v1/x', ca, 'localhost')).status === 200, 15_000, '200 after the right key');
  });

  await t.test('with no domain, a bare IP gets a local-CA certificate and a stranger SNI none', async () => {
    await loadCaddyfile(caddyAdminPort, render({}));
    await waitUntil(async () => (await httpsGet(httpsPort, '/v1/ip', ca)).status === 200, 15_000, 'HTTPS on the bare IP');
    const r = await httpsGet(httpsPort, '/v1/ip', ca);
    assert.equal(JSON.parse(r.body).url, '/v1/ip');
    await assert.rejects(httpsGet(httpsPort, '/v1/x', ca, 'stranger.example'), /alert|socket|ECONNRESET|certificate/i);
    // The same `ask` endpoint allowed the IP and refused the stranger: only the IP's certificate exists.
    const issued = path.join(env.storageRoot, 'certificates', 'local');
    await access(path.join(issued, '127.0.0.1'));
    await assert.rejects(access(path.join(issued, 'stranger.example')), /ENOENT/);
  });
});
