/**
 * Caddy's own errors reach clients in OpenAI's error shape (the template's `handle_errors`): its 413
 * for a body over its limit (HTTP/1.1 and HTTP/2), its 502 when the proxy drops the connection,
 * its 503 when no proxy passes the health check and its 504 when the proxy sends no headers in
 * time; an error the proxy answers itself passes through untouched. The real template, the real
 * Caddy, a stand-in for the proxy.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { validateConfig } from '../../common/config/validate.js';
import { renderCaddyfile } from '../../admin/caddy/caddyfile-render.js';
import { caddyPorts, httpsRequest, localRootCa, startCaddy, type Reply } from '../harness/caddy-process.js';
import { waitUntil } from '../harness/ports.js';

const HEALTH_KEY = 'hk-errors-0123456789abcdef';
const BODY_LIMIT = 4096;
/** Caddy's limit is the proxy's + 1 MiB. */
const CADDY_LIMIT = BODY_LIMIT + 1_048_576;
const PROXY_OWN_502 = '{"error":{"message":"Upstream \\"x\\" could not be reached","type":"api_error","param":null,"code":"upstream_unreachable"}}';

function openAIError(r: Reply, status: number, code: string | null): void {
  assert.equal(r.status, status, r.body);
  assert.match(String(r.headers['content-type']), /^application\/json/);
  const body = JSON.parse(r.body) as { error?: { message?: unknown; type?: unknown; param?: unknown; code?: unknown } };
  assert.equal(typeof body.error?.message, 'string');
  assert.equal(body.error?.type, status < 500 ? 'invalid_request_error' : 'api_error');
  assert.equal(body.error?.param, null);
  assert.equal(body.error?.code, code);
}

/** A POST over HTTP/2 with a body of `size` bytes, read in full. */
async function h2Post(port: number, ca: string, size: number): Promise<Reply> {
  const session = http2.connect(`https://localhost:${port}`, { ca, servername: 'localhost', host: '127.0.0.1' });
  try {
    const req = session.request({ ':method': 'POST', ':path': '/v1/chat/completions', 'content-type': 'application/json', 'content-length': String(size) });
    req.end(Buffer.alloc(size, 0x61));
    const [headers] = (await once(req, 'response')) as [http2.IncomingHttpHeaders];
    let body = '';
    req.setEncoding('utf8');
    for await (const chunk of req) body += chunk as string;
    return { status: Number(headers[':status']), headers: headers as http.IncomingHttpHeaders, body };
  } finally {
    session.close();
  }
}

test("Caddy's own 413, 502, 503 and 504 are OpenAI-shaped; the proxy's own errors pass through", { timeout: 90_000 }, async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'caddy-errors-'));
  // Runs before the hook that stops Caddy (hooks run in order): a removal racing a file Caddy
  // writes is retried, and a failure must not keep that hook from running.
  t.after(() => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => undefined));

  let slowArrived = () => {};
  const slowSeen = new Promise<void>((resolve) => (slowArrived = resolve));
  const proxy = http.createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(req.headers.authorization === `Bearer ${HEALTH_KEY}` ? 200 : 401).end();
      return;
    }
    if (req.url === '/v1/drop') return void req.socket.destroy();
    if (req.url === '/v1/slow') {
      slowArrived();
      return void setTimeout(() => res.writeHead(200).end('late'), 15_000).unref();
    }
    if (req.url === '/v1/own-502') return void res.writeHead(502, { 'content-type': 'application/json' }).end(PROXY_OWN_502);
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  t.after(() => proxy.closeAllConnections());
  t.after(() => proxy.close());

  const ports = await caddyPorts();
  const storageRoot = path.join(dir, 'storage');
  const render = (healthKey: string) => {
    const upstream = { firstByteTimeoutMs: 1 };
    const v = validateConfig({ server: { healthKey, bodyLimitBytes: BODY_LIMIT, upstream, caddy: { domain: 'localhost', transport: { responseHeaderTimeoutMs: 1 } } } });
    assert.ok(v.ok, JSON.stringify(v.ok ? [] : v.issues));
    return renderCaddyfile(v.config, {
      adminAddress: `localhost:${ports.adminPort}`, storageRoot, logFile: path.join(dir, 'caddy.log'),
      proxyPort: (proxy.address() as AddressInfo).port, adminPort: 1, httpsPort: ports.httpsPort, httpPort: ports.httpPort,
      bindAddress: '127.0.0.1', dnsModules: [],
    });
  };
  const configFile = path.join(dir, 'Caddyfile');
  await writeFile(configFile, render(HEALTH_KEY), { mode: 0o600 });
  await startCaddy(t, { configFile, dir, adminPort: ports.adminPort });
  const ca = await localRootCa(storageRoot);
  const get = (p: string) => httpsRequest(ports.httpsPort, p, { ca });
  await waitUntil(async () => (await get('/v1/ok')).status === 200, 15_000, 'Caddy to reach the stand-in proxy');

  // 413: over Caddy's limit (the proxy's + 1 MiB), over HTTP/1.1 and HTTP/2.
  const big = Buffer.alloc(CADDY_LIMIT + 1, 0x61).toString();
  openAIError(await httpsRequest(ports.httpsPort, '/v1/chat/completions', { ca, method: 'POST', headers: { 'content-type': 'application/json' }, body: big }), 413, 'request_too_large');
  openAIError(await h2Post(ports.httpsPort, ca, CADDY_LIMIT + 1), 413, 'request_too_large');
  assert.equal((await httpsRequest(ports.httpsPort, '/v1/chat/completions', { ca, method: 'POST', body: 'x'.repeat(CADDY_LIMIT) })).status, 200, 'at the limit: passed on');

  // 502: the proxy drops the connection; the proxy's own 502 is passed on byte for byte.
  openAIError(await get('/v1/drop'), 502, 'backend_unreachable');
  const own = await get('/v1/own-502');
  assert.equal(own.status, 502);
  assert.equal(own.body, PROXY_OWN_502);

  // 504 (no headers within the response_header_timeout) and 503 (the health check fails), together.
  const slow = get('/v1/slow');
  // Load the next config only once Caddy holds the slow request: a connection still being
  // accepted while the old servers shut down could be closed without an answer.
  await slowSeen;
  assert.equal(await loadCaddyfile(ports.adminPort, render('hk-wrong-0123456789abcdef')), 200);
  let unavailable: Reply | undefined;
  await waitUntil(async () => (unavailable = await get('/v1/ok')).status === 503, 30_000, '503 once the health check fails');
  openAIError(unavailable!, 503, 'backend_unavailable');
  openAIError(await slow, 504, 'backend_timeout');
});

/** POSTs a Caddyfile to Caddy's /load; resolves to the status. */
function loadCaddyfile(adminPort: number, caddyfile: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: adminPort, path: '/load', method: 'POST', headers: { 'content-type': 'text/caddyfile', host: `localhost:${adminPort}` }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(caddyfile);
  });
}
