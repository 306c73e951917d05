// The OTLP path's exporter against loopback collectors: spans leave in batches of the configured
// size, a full queue drops and counts, a collector's 503 is retried after its Retry-After and a
// 400 is given up at once with one warning, nothing is lost by a flush, and a collector that
// never answers does not hold up shutdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { OtlpPipeline } from '../../proxy/telemetry/otlp/otlp-pipeline.js';
import { startOtlpReceiver } from '../harness/otlp-receiver.js';
import { testSpan } from '../harness/test-span.js';

const span = (i: number) => testSpan(0x100 + i, { name: `span ${i}` });

function capturedLog(): { log: pino.Logger; lines: () => Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines: () => lines };
}

const otlpAt = (url: string, protocol: 'http/protobuf' | 'http/json' = 'http/protobuf') => ({
  tracesUrl: `${url}/v1/traces`,
  metricsUrl: `${url}/v1/metrics`,
  protocol,
  headers: { 'x-api-key': 'collector-key' },
});

test('spans leave in batches of OTEL_BSP_MAX_EXPORT_BATCH_SIZE; beyond the queue size they are dropped', async (t) => {
  const receiver = await startOtlpReceiver();
  t.after(() => receiver.close());
  const env = { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2', OTEL_BSP_MAX_QUEUE_SIZE: '5', OTEL_BSP_SCHEDULE_DELAY: '3600000' };
  const pipeline = new OtlpPipeline(otlpAt(receiver.url), 'svc', 3_600_000, pino({ level: 'silent' }), env);
  t.after(() => pipeline.shutdown());
  // Recorded in one turn: the first full batch leaves at the next turn, so the queue holds 5.
  for (let i = 0; i < 7; i++) pipeline.record(span(i));
  assert.equal(pipeline.droppedSpans, 2);
  await pipeline.flush();
  assert.deepEqual(
    receiver.spans.map((s) => s.name),
    ['span 0', 'span 1', 'span 2', 'span 3', 'span 4'],
  );
  assert.equal(receiver.contentTypes.length, 3, 'three exports: 2 + 2 + 1 spans');
});

test("a collector's 503 is retried after its Retry-After; a 400 is dropped with one warning", async (t) => {
  const seen: Array<{ status: number; key: string | undefined }> = [];
  const answers = [503, 200, 400, 400];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const status = answers.shift() ?? 200;
      seen.push({ status, key: req.headers['x-api-key'] as string | undefined });
      res.writeHead(status, status === 503 ? { 'retry-after': '0' } : {}).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const { log, lines } = capturedLog();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pipeline = new OtlpPipeline(otlpAt(url, 'http/json'), 'svc', 3_600_000, log, {});
  t.after(() => pipeline.shutdown());

  pipeline.record(span(1));
  await pipeline.flush();
  assert.deepEqual(
    seen.map((s) => s.status),
    [503, 200],
    'retried once, then delivered',
  );
  assert.ok(
    seen.every((s) => s.key === 'collector-key'),
    'the configured headers are sent',
  );

  pipeline.record(span(2));
  await pipeline.flush();
  pipeline.record(span(3));
  await pipeline.flush();
  assert.deepEqual(
    seen.map((s) => s.status),
    [503, 200, 400, 400],
    'a 400 is not retried',
  );
  const warnings = lines().filter((l) => l.msg === 'telemetry export failed; telemetry is dropped until it recovers');
  assert.equal(warnings.length, 1, 'one warning per outage, not per export');

  pipeline.record(span(4));
  await pipeline.flush();
  assert.equal(lines().filter((l) => l.msg === 'telemetry export recovered').length, 1);
});

test('a collector that never answers does not hold up a stopping proxy', { timeout: 60_000 }, async (t) => {
  let tried = 0;
  const server = http.createServer(() => {
    tried++;
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const pipeline = new OtlpPipeline(otlpAt(url), 'svc', 3_600_000, pino({ level: 'silent' }), {});
  pipeline.record(span(1));
  // Resolves (after its deadline) although the export never got an answer.
  await pipeline.shutdown();
  assert.equal(tried, 1, 'the export was tried once, not retried');
});
