import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import OpenAI from 'openai';
import sharp from 'sharp';
import { CLIENT_KEY, startProxyHarness } from '../harness/proxy-harness.js';
import { withDeadline } from '../../common/deadline.js';

function sdk(url: string) {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
}
const hello = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hello' }] };

test('a chunked upload over the limit is cut off early with 413, not read whole', async (t) => {
  const h = await startProxyHarness({ envBodyLimit: 4096 });
  t.after(() => h.close());
  const { port } = new URL(h.url);
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let written = 0;
  const status = await new Promise<number>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/chat/completions', headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', (err) => (written > 0 ? undefined : reject(err)));
    const pump = () => {
      while (written < 64 * 1024 * 1024 && !req.destroyed) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!req.destroyed) req.end();
    };
    pump();
  });
  assert.equal(status, 413);
  assert.ok(written < 16 * 1024 * 1024, `the proxy answered after ${written} bytes of a 64 MiB upload`);
  assert.equal(h.sim.requests.length, 0);
});

test('a client that leaves while its image is being compressed: nothing is sent upstream', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  const png = await sharp(randomBytes(3000 * 2000 * 3), { raw: { width: 3000, height: 2000, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
  const body = JSON.stringify({ ...hello, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } }] }] });
  const { port } = new URL(h.url);
  // Send the whole body, give the proxy a moment to parse it and start compressing (a
  // 3000×2000 noise PNG takes several hundred ms), then hang up.
  const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/chat/completions', headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
  req.on('error', () => undefined);
  await new Promise<void>((resolve) => req.end(body, resolve));
  await new Promise((r) => setTimeout(r, 120));
  req.destroy();
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(h.sim.requests.length, 0, 'the upstream was never called for a client that had left');
});

test('errors the gateway makes itself are counted in the usage statistics', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  await sdk(h.url).chat.completions.create({ ...hello, model: 'nope' }).catch(() => undefined);
  await new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'wrong', maxRetries: 0 }).chat.completions.create(hello).catch(() => undefined);
  h.sim.enqueue({ kind: 'status', status: 503 });
  await sdk(h.url).chat.completions.create(hello).catch(() => undefined);
  await sdk(h.url).chat.completions.create(hello);
  const stats = (await (await fetch(`${h.internalUrl}/internal/stats`)).json()) as { totals: { requests: number; s2xx: number; s4xx: number; s5xx: number }; byKey: Record<string, { requests: number }> };
  assert.deepEqual([stats.totals.requests, stats.totals.s2xx, stats.totals.s4xx, stats.totals.s5xx], [4, 1, 2, 1]);
  assert.equal(stats.byKey['(unauthenticated)']?.requests, 1);
  assert.equal(stats.byKey.main?.requests, 3);
});

test('headers: an allow-list goes upstream (no Azure credential headers), Azure ids come back', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  const res = await fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${CLIENT_KEY}`,
      'content-type': 'application/json',
      'x-ms-authorization-auxiliary': 'Bearer other-tenant-token',
      'ocp-apim-subscription-key': 'k',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      'x-custom': 'drop me',
    },
    body: JSON.stringify(hello),
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('x-request-id') ?? '', /^req_[0-9a-f]{32}$/);
  assert.ok(res.headers.get('x-upstream-request-id'));
  const seen = h.sim.requests[0]!.headers;
  assert.equal(seen['x-ms-authorization-auxiliary'], undefined);
  assert.equal(seen['ocp-apim-subscription-key'], undefined);
  assert.equal(seen['x-custom'], undefined);
  assert.equal(seen.traceparent, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  assert.equal(seen['x-request-id'], res.headers.get('x-request-id'));
  assert.equal(seen['x-ms-client-request-id'], res.headers.get('x-request-id'));
});

test('an upstream error body passes through byte for byte', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  const azureBody = { error: { code: 'content_filter', message: 'The response was filtered', param: 'prompt', type: null, innererror: { code: 'ResponsibleAIPolicyViolation' } } };
  h.sim.enqueue({ kind: 'status', status: 400, body: azureBody });
  const res = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(hello) });
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), azureBody);
});

test('the upstream refusing the gateway\'s credential is a 502, not the client\'s 401', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  h.sim.enqueue({ kind: 'status', status: 401 });
  const err = await sdk(h.url).chat.completions.create(hello).catch((e: unknown) => e);
  assert.ok(err instanceof OpenAI.APIError && !(err instanceof OpenAI.AuthenticationError));
  assert.equal(err.status, 502);
  assert.equal(err.code, 'upstream_credential_error');
  assert.match(err.message, /"foundry".*401/);
});

test('a client\'s own stream_options rejected by the deployment reaches the client as Azure\'s 400', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  h.sim.setDefault({ kind: 'rejectStreamOptions' });
  const err = await sdk(h.url).chat.completions.create({ ...hello, stream: true, stream_options: { include_usage: true } }).catch((e: unknown) => e);
  assert.ok(err instanceof OpenAI.BadRequestError);
  assert.equal(h.sim.requests.length, 1, 'the client\'s parameter is not silently removed and retried');
});

test('two reloads close together end on the newest file', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  const config = JSON.parse(JSON.stringify(h.runtime.snapshot().config)) as { models: Array<Record<string, unknown>> };
  config.models.push({ id: 'v2', upstream: 'foundry' });
  await h.writeConfig(config);
  const first = h.runtime.reload();
  config.models.push({ id: 'v3', upstream: 'foundry' });
  await h.writeConfig(config);
  const second = h.runtime.reload();
  await Promise.all([first, second]);
  assert.ok(h.runtime.snapshot().catalog.get('v3'), 'the second reload read the newest file');
});

test('withDeadline: resolves, times out, and gives up when the caller aborts', async () => {
  assert.equal(await withDeadline(Promise.resolve(1), 100, undefined, 'late'), 1);
  await assert.rejects(withDeadline(new Promise(() => undefined), 20, undefined, 'late'), /late/);
  const ctl = new AbortController();
  const p = withDeadline(new Promise(() => undefined), 10_000, ctl.signal, 'late');
  ctl.abort(new Error('client left'));
  await assert.rejects(p, /client left/);
});

test('the internal listener refuses requests under a non-loopback host name (DNS rebinding)', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  const { port } = new URL(h.internalUrl);
  const status = (host: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/internal/targets', headers: { host } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
  assert.equal(await status('rebind.attacker.example'), 404);
  assert.equal(await status(`127.0.0.1:${port}`), 200);
  assert.equal(await status(`localhost:${port}`), 200);
});

test('a 415 with a large body leaves the connection usable (the upload is read, not parked)', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  const { port } = new URL(h.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const call = (method: string, path: string, headers: Record<string, string>, body?: Buffer) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers: { authorization: `Bearer ${CLIENT_KEY}`, ...headers } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.setTimeout(5000, () => req.destroy(new Error('no answer within 5 s')));
      req.on('error', reject);
      req.end(body);
    });
  assert.equal(await call('POST', '/v1/chat/completions', { 'content-type': 'text/plain' }, Buffer.alloc(1_000_000, 0x61)), 415);
  assert.equal(await call('GET', '/v1/models', {}), 200, 'the next request on the same keep-alive pool is answered');
});

test('credential failures fail over but do not open the target\'s circuit', async (t) => {
  const h = await startProxyHarness({
    configure: (c) => {
      (c.server as Record<string, unknown>).upstream = { circuitBreaker: { failureThreshold: 2, openMs: 60_000 } };
    },
  });
  t.after(() => h.close());
  h.identity.fail('500');
  for (let i = 0; i < 3; i++) {
    const err = await sdk(h.url).chat.completions.create(hello).catch((e: unknown) => e);
    assert.ok(err instanceof OpenAI.APIError && err.status === 502, `attempt ${i}: ${String(err)}`);
  }
  h.identity.fail('none');
  await new Promise((r) => setTimeout(r, 1100)); // the token cache's failure back-off
  const ok = await sdk(h.url).chat.completions.create(hello);
  assert.equal(ok.object, 'chat.completion', 'served at once: the circuit never opened');
});
