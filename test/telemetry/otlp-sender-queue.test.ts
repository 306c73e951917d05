// The exporter's sender against a collector that holds its answers: four exports go at once, as
// many wait as hold 4,096 spans (from eight bodies to 64), and past that the oldest waiting body
// is dropped and counted; the others all arrive once the collector answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { OtlpSender } from '../../proxy/telemetry/otlp/otlp-sender.js';
import { waitUntil } from '../harness/ports.js';

// A collector that reads each body (one byte: its number) and answers only when released.
async function holdingCollector() {
  const received: number[] = [];
  const held: http.ServerResponse[] = [];
  let holding = true;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(Buffer.concat(chunks)[0]!);
      if (holding) held.push(res);
      else res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
    received,
    held,
    release() {
      holding = false;
      for (const res of held.splice(0)) res.writeHead(200).end();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

for (const { batchSpans, waiting } of [
  { batchSpans: 512, waiting: 8 },
  { batchSpans: 128, waiting: 32 },
  // The floor and the ceiling.
  { batchSpans: 2048, waiting: 8 },
  { batchSpans: 1, waiting: 64 },
]) {
  test(`batches of ${batchSpans} spans: four in flight, ${waiting} waiting, then the oldest waiting is dropped`, async (t) => {
    const collector = await holdingCollector();
    t.after(() => collector.close());
    const sender = new OtlpSender('application/x-protobuf', {}, pino({ level: 'silent' }), batchSpans);
    t.after(() => sender.close(1_000));
    const extra = 3;
    const total = 4 + waiting + extra;
    const sent = Array.from({ length: total }, (_, n) => sender.send(collector.url, Uint8Array.of(n)));
    await waitUntil(async () => collector.held.length === 4, 10_000, 'four exports at the collector');
    // The oldest waiting bodies (4, 5, 6) made room for the last three.
    assert.equal(sender.dropped, extra);
    collector.release();
    await Promise.all(sent);
    assert.deepEqual(
      [...collector.received].sort((a, b) => a - b),
      [0, 1, 2, 3, ...Array.from({ length: waiting }, (_, k) => 4 + extra + k)],
    );
    assert.equal(sender.dropped, extra);
  });
}
