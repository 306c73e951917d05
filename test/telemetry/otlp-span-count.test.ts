// The telemetry benchmark's sink counts the spans of each export without decoding them
// (bench/otlp-span-count.ts), to tell an exporter that kept up from one that dropped spans.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countSpans } from '../../bench/otlp-span-count.js';
import { traceRequestProtobuf } from '../../proxy/telemetry/otlp/otlp-protobuf.js';
import { testSpan } from '../harness/test-span.js';

const origin = { resource: { 'service.name': 'svc' }, scope: { name: 'scope', version: '1' } };
const spans = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    testSpan(0x2000 + i, {
      name: `chat model-${i}`,
      attributes: { 'gen_ai.request.model': 'm', 'gateway.attempt': i, finish: ['stop'] },
      events:
        i === 0 ? [{ name: 'gateway.target.skipped', atMs: 1, attributes: { 'gateway.target': 'a/b' } }] : undefined,
    }),
  );

test('the spans of an export are counted, events and attributes not among them', () => {
  assert.equal(countSpans(traceRequestProtobuf(origin, spans(600))), 600);
  assert.equal(countSpans(traceRequestProtobuf(origin, spans(1))), 1);
});

test('spans under several resources are all counted, and a cut body is refused', () => {
  // Two encoded requests one after the other are one request with both resources' spans.
  const a = traceRequestProtobuf(origin, spans(3));
  const b = traceRequestProtobuf({ ...origin, resource: { 'service.name': 'other' } }, spans(5));
  assert.equal(countSpans(Buffer.concat([a, b])), 8);
  assert.throws(() => countSpans(a.subarray(0, a.length - 7)), /runs past its message/);
});
