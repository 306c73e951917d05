// Backpressure crosses a Realtime session: while the client reads nothing, the proxy stops
// reading the upstream once its own backlog for the client passes the high-water mark, so the
// upstream's unsent frames pile up on the upstream's side instead of in the proxy; when the client
// reads again, every frame arrives, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { CLIENT_KEY, proxyHarness } from '../harness/proxy-harness.js';
import { sleep, waitUntil } from '../harness/ports.js';

const MB = 1024 * 1024;
const FRAMES = 128;
const FRAME_BYTES = 256 * 1024;

test(
  'a client that stops reading stops the proxy reading the upstream; every frame arrives once it reads again',
  { timeout: 60_000 },
  async (t) => {
    let flooder: WebSocket | undefined;
    // A stand-in for Azure that sends 32 MB of frames as fast as it may.
    const upstream = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    upstream.on('connection', (ws) => {
      flooder = ws;
      for (let i = 0; i < FRAMES; i++) ws.send(Buffer.alloc(FRAME_BYTES, i % 256));
    });
    t.after(() => {
      // ws waits for open connections before it reports the server closed: end them first.
      for (const ws of upstream.clients) ws.terminate();
      return new Promise<void>((r) => upstream.close(() => r()));
    });
    const h = await proxyHarness(t, {
      configure: (config) => {
        (config.upstreams as unknown[]).push({
          name: 'flood',
          baseUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
          auth: { mode: 'none' },
        });
        (config.models as unknown[]).push({ id: 'flood', upstream: 'flood', targetModel: 'dep-flood' });
      },
    });

    const client = new WebSocket(`${h.url.replace('http:', 'ws:')}/v1/realtime?model=flood`, {
      headers: { authorization: `Bearer ${CLIENT_KEY}` },
    });
    t.after(() => client.terminate());
    const received: number[] = [];
    client.on('message', (data: Buffer) => received.push(data[0] ?? -1));
    await new Promise<void>((resolve, reject) => {
      client.once('open', () => {
        client.pause();
        resolve();
      });
      client.once('error', reject);
    });

    // Wait until the upstream's backlog stops shrinking: that is where the proxy stopped reading.
    await waitUntil(async () => flooder !== undefined, 5000, 'the upstream connection');
    let previous = -1;
    await waitUntil(
      async () => {
        const now = flooder?.bufferedAmount ?? 0;
        const steady = now === previous;
        previous = now;
        if (!steady) await sleep(100);
        return steady;
      },
      20_000,
      'the upstream backlog to settle',
    );
    t.diagnostic(
      `upstream backlog while the client reads nothing: ${(previous / MB).toFixed(1)} MB of ${(FRAMES * FRAME_BYTES) / MB} MB`,
    );
    assert.ok(previous >= 8 * MB, `only ${previous} bytes stayed with the upstream`);

    client.resume();
    await waitUntil(async () => received.length === FRAMES, 20_000, 'every frame');
    assert.deepEqual(
      received,
      Array.from({ length: FRAMES }, (_, i) => i % 256),
    );
    client.close(1000);
  },
);
