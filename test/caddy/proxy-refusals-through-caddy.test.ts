/**
 * The proxy's early refusals reach clients through Caddy as the proxy sent them, never as Caddy's
 * 502: a 401 for a wrong key with a 1 MB upload, a 413 by declared length (a body Caddy still
 * forwards) and a 431 for headers over the proxy's limit (HTTP/1.1 and HTTP/2). Before the proxy
 * drained such uploads, about 1 in 5 of the 1 MB cases became an empty 502 (docs/caddy.md,
 * "Answers the proxy sends before reading a request"). The real proxy, template and Caddy.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type http from 'node:http';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { PROXY_MAX_HEADER_BYTES } from '../../common/runtime-env.js';
import { validateConfig } from '../../common/config/validate.js';
import { renderCaddyfile } from '../../admin/caddy/caddyfile-render.js';
import { caddyPorts, httpsRequest, localRootCa, startCaddy, type Reply } from '../harness/caddy-process.js';
import { waitUntil } from '../harness/ports.js';
import { CLIENT_KEY, HEALTH_KEY, startProxyHarness } from '../harness/proxy-harness.js';

const BODY_LIMIT = 2_097_152;
const TRIES = 15;

function openAIError(r: Reply, status: number, code: string, what: string): void {
  assert.equal(r.status, status, `${what}: ${r.status} ${r.body.slice(0, 200)}`);
  const body = JSON.parse(r.body) as { error?: { code?: unknown } };
  assert.equal(body.error?.code, code, what);
}

async function h2Get(port: number, ca: string, headers: Record<string, string>): Promise<Reply> {
  const session = http2.connect(`https://localhost:${port}`, { ca, servername: 'localhost', host: '127.0.0.1' });
  try {
    const req = session.request({ ':path': '/v1/models', ...headers });
    req.end();
    const [h] = (await once(req, 'response')) as [http2.IncomingHttpHeaders];
    let body = '';
    req.setEncoding('utf8');
    for await (const chunk of req) body += chunk as string;
    return { status: Number(h[':status']), headers: h as http.IncomingHttpHeaders, body };
  } finally {
    session.close();
  }
}

test("the proxy's 401, 413 and 431 pass through Caddy, never as Caddy's 502", { timeout: 120_000 }, async (t) => {
  const h = await startProxyHarness({ envBodyLimit: BODY_LIMIT });
  t.after(() => h.close());
  const dir = await mkdtemp(path.join(tmpdir(), 'caddy-refusals-'));
  // Runs before the hook that stops Caddy (hooks run in order): a removal racing a file Caddy
  // writes is retried, and a failure must not keep that hook from running.
  t.after(() => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => undefined));
  const ports = await caddyPorts();
  const storageRoot = path.join(dir, 'storage');
  const v = validateConfig({ server: { healthKey: HEALTH_KEY, caddy: { domain: 'localhost' } } });
  assert.ok(v.ok);
  const configFile = path.join(dir, 'Caddyfile');
  await writeFile(configFile, renderCaddyfile(v.config, {
    adminAddress: `localhost:${ports.adminPort}`, storageRoot, logFile: path.join(dir, 'caddy.log'),
    proxyPort: Number(new URL(h.url).port), adminPort: 1, httpsPort: ports.httpsPort, httpPort: ports.httpPort,
    bindAddress: '127.0.0.1', dnsModules: [], bodyLimitBytes: BODY_LIMIT,
  }), { mode: 0o600 });
  await startCaddy(t, { configFile, dir, adminPort: ports.adminPort });
  const ca = await localRootCa(storageRoot);
  const auth = { authorization: `Bearer ${CLIENT_KEY}` };
  await waitUntil(async () => (await httpsRequest(ports.httpsPort, '/v1/models', { ca, headers: auth })).status === 200, 15_000, 'the proxy through Caddy');

  const chat = (key: string, size: number) =>
    httpsRequest(ports.httpsPort, '/v1/chat/completions', { ca, method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: `{"model":"gpt-4o-mini","pad":"${'x'.repeat(size)}"}` });
  const bigHeader = { ...auth, 'x-big': 'k'.repeat(PROXY_MAX_HEADER_BYTES + 2048) };
  for (let i = 0; i < TRIES; i++) {
    openAIError(await chat('sk-wrong-key-000000000000', 1_000_000), 401, 'invalid_api_key', `wrong key, try ${i}`);
    const tooLarge = await chat(CLIENT_KEY, BODY_LIMIT);
    openAIError(tooLarge, 413, 'request_too_large', `over the proxy's limit, try ${i}`);
    assert.match(tooLarge.body, new RegExp(`limit of ${BODY_LIMIT} bytes`), "the proxy's 413, not Caddy's");
    openAIError(await httpsRequest(ports.httpsPort, '/v1/models', { ca, headers: bigHeader }), 431, 'request_headers_too_large', `big headers over HTTP/1.1, try ${i}`);
    openAIError(await h2Get(ports.httpsPort, ca, bigHeader), 431, 'request_headers_too_large', `big headers over HTTP/2, try ${i}`);
  }
  assert.equal((await httpsRequest(ports.httpsPort, '/v1/models', { ca, headers: auth })).status, 200);
});
