// Image compression on the request path: an inline image is recompressed before the request goes
// upstream and the saving is counted; a client that leaves during the work sends nothing upstream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { availableParallelism } from 'node:os';
import { CLIENT_KEY, HELLO, proxyHarness } from '../harness/proxy-harness.js';
import { waitUntil } from '../harness/ports.js';
import { imageCompressionGate, setImageCompressionConcurrency } from '../../proxy/images/compression.js';

test('an inline image in a chat request is compressed before it goes upstream, and the saving is counted', async (t) => {
  const h = await proxyHarness(t);
  const noise = randomBytes(2400 * 1600 * 3);
  const png = await sharp(noise, { raw: { width: 2400, height: 1600, channels: 3 } })
    .png()
    .toBuffer();
  const url = `data:image/png;base64,${png.toString('base64')}`;
  await h.sdk().chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'what is this' },
          { type: 'image_url', image_url: { url } },
        ],
      },
    ],
  });
  const sent = h.sim.requests[0]!.body as { messages: Array<{ content: Array<{ image_url?: { url: string } }> }> };
  const sentUrl = sent.messages[0]!.content[1]!.image_url!.url;
  assert.match(sentUrl, /^data:image\/jpeg;base64,/);
  const sentBytes = Buffer.from(sentUrl.split(',')[1]!, 'base64');
  assert.ok(sentBytes.length < png.length);
  const meta = await sharp(sentBytes).metadata();
  assert.equal(Math.max(meta.width ?? 0, meta.height ?? 0), 1600);
  const stats = await h.stats();
  assert.equal(stats.totals.imageBytesSaved, png.length - sentBytes.length);
});

test('a client that leaves while its image is being compressed: nothing is sent upstream', async (t) => {
  const h = await proxyHarness(t);
  const png = await sharp(randomBytes(3000 * 2000 * 3), { raw: { width: 3000, height: 2000, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
  const body = JSON.stringify({
    ...HELLO,
    messages: [
      {
        role: 'user',
        content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } }],
      },
    ],
  });
  const { port } = new URL(h.url);
  // The image gate is held while the request arrives, so the client hangs up exactly while its
  // image waits to be compressed, however fast the machine.
  const gate = imageCompressionGate();
  const req = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/v1/chat/completions',
    headers: {
      authorization: `Bearer ${CLIENT_KEY}`,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    },
  });
  req.on('error', () => undefined);
  setImageCompressionConcurrency(1);
  t.after(() => setImageCompressionConcurrency(availableParallelism()));
  await gate.run(async () => {
    await new Promise<void>((resolve) => req.end(body, resolve));
    await waitUntil(async () => gate.waiting === 1, 10_000, 'the image to wait for compression');
    req.destroy();
    await waitUntil(async () => (await h.stats()).totals.requests === 1, 10_000, 'the client that left to be counted');
  });
  await waitUntil(async () => gate.active === 0 && gate.waiting === 0, 30_000, 'the compression to finish');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(h.sim.requests.length, 0, 'the upstream was never called for a client that had left');
});
