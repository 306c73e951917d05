// The body limit holds while an upload streams: a chunked upload (no Content-Length to refuse up
// front) is cut off once it passes the limit, the client gets OpenAI's 413, and the upstream
// request it had started is aborted rather than completed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLIENT_KEY, proxyHarness } from '../harness/proxy-harness.js';
import { waitUntil } from '../harness/ports.js';

const MB = 1024 * 1024;
const BOUNDARY = 'limit-boundary';

test(
  'a chunked upload over the body limit is cut off with 413 and its upstream request aborted',
  { timeout: 60_000 },
  async (t) => {
    let received = 0;
    let upstreamEnded = false;
    let upstreamAborted = false;
    const upstream = http.createServer((req, res) => {
      req.on('data', (c: Buffer) => (received += c.length));
      req.on('end', () => {
        upstreamEnded = true;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"text":"complete"}');
      });
      req.on('close', () => (upstreamAborted = !upstreamEnded));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    t.after(() => upstream.close());
    const h = await proxyHarness(t, {
      envBodyLimit: 2 * MB,
      configure: (config) => {
        (config.upstreams as unknown[]).push({
          name: 'counting',
          baseUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
          auth: { mode: 'none' },
        });
        (config.models as unknown[]).push({ id: 'transcribe', upstream: 'counting', targetModel: 'dep-transcribe' });
      },
    });

    const url = new URL(`${h.url}/openai/deployments/transcribe/audio/transcriptions?api-version=2025-03-01-preview`);
    const req = http.request({
      host: url.hostname,
      port: url.port,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: {
        'api-key': CLIENT_KEY,
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        'transfer-encoding': 'chunked',
      },
    });
    req.on('error', () => undefined); // the proxy closes the connection after its answer
    let answer: { status: number; body: string } | undefined;
    req.once('response', (res) => {
      let body = '';
      res
        .setEncoding('utf8')
        .on('data', (c: string) => (body += c))
        .once('end', () => (answer = { status: res.statusCode ?? 0, body }));
    });
    req.write(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
    );
    const chunk = Buffer.alloc(256 * 1024, 2);
    // Keep sending (up to 8 MB) until the proxy answers.
    for (let sent = 0; sent < 8 * MB && !answer && !req.destroyed; sent += chunk.length) {
      if (!req.write(chunk)) await new Promise((r) => setTimeout(r, 10));
    }
    await waitUntil(async () => answer !== undefined, 20_000, "the proxy's answer");
    assert.equal(answer?.status, 413);
    assert.equal((JSON.parse(answer?.body ?? '{}') as { error: { code: unknown } }).error.code, 'request_too_large');
    await waitUntil(async () => upstreamAborted, 10_000, 'the upstream request to be aborted');
    assert.equal(upstreamEnded, false);
    assert.ok(received < 2 * MB + 256 * 1024, `the upstream got ${received} bytes`);
    const stats = await h.stats();
    assert.equal(stats.byModel.transcribe?.s4xx, 1);
  },
);
