// An upload reaches Azure while the client is still sending it: the test holds back the second
// half of a 16 MB file until the upstream has received megabytes of the first. A proxy that read
// the whole body before sending it on could never get there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { proxyHarness, CLIENT_KEY } from '../harness/proxy-harness.js';
import { waitUntil } from '../harness/ports.js';

const MB = 1024 * 1024;
const BOUNDARY = 'held-back-boundary';

test(
  'the upstream receives the start of an upload before the client has sent the rest',
  { timeout: 60_000 },
  async (t) => {
    let received = 0;
    // A stand-in for Azure that counts bytes as they arrive and answers at the end.
    const upstream = http.createServer((req, res) => {
      req.on('data', (c: Buffer) => (received += c.length));
      req.on('end', () =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ text: 'done', bytes: received })),
      );
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    t.after(() => upstream.close());
    const h = await proxyHarness(t, {
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
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.once('response', (res) => {
        let body = '';
        res
          .setEncoding('utf8')
          .on('data', (c: string) => (body += c))
          .once('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.once('error', reject);
    });
    req.write(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="held.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
    );
    const half = Buffer.alloc(8 * MB, 1);
    req.write(half);
    await waitUntil(
      async () => received >= 4 * MB,
      20_000,
      'the upstream to receive part of the upload while the rest is held back',
    );
    req.end(Buffer.concat([half, Buffer.from(`\r\n--${BOUNDARY}--\r\n`)]));
    const { status, body } = await answer;
    assert.equal(status, 200);
    assert.equal((JSON.parse(body) as { text: unknown }).text, 'done');
    assert.ok(received > 16 * MB);
  },
);
