// The OTLP path's own encoders, read back by a protobuf decoder built from the proto files' field
// numbers (test/harness/otlp-schema.ts) and by JSON.parse: ids, times, every attribute type,
// events, status, histograms, and messages long enough to need multi-byte length prefixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { otlpRoot } from '../harness/otlp-schema.js';
import { Histogram } from '../../proxy/telemetry/otlp/histograms.js';
import { metricsRequestJson, traceRequestJson } from '../../proxy/telemetry/otlp/otlp-json.js';
import { metricsRequestProtobuf, traceRequestProtobuf } from '../../proxy/telemetry/otlp/otlp-protobuf.js';
import { unixNanos, type SpanRecord } from '../../proxy/telemetry/otlp/span-record.js';
import { testSpan } from '../harness/test-span.js';

type Obj = Record<string, unknown>;
const origin = { resource: { 'service.name': 'svc', 'process.pid': 7 }, scope: { name: 'scope', version: '1' } };
const decode = (type: string, bytes: Uint8Array): Obj => {
  const t = otlpRoot.lookupType(`opentelemetry.${type}`);
  return t.toObject(t.decode(bytes), { longs: String, bytes: String, defaults: false }) as Obj;
};

function record(i: number): SpanRecord {
  return testSpan(0x1000 + i, {
    parentSpanId: i % 2 ? '00f067aa0ba902b7' : '',
    traceState: i % 2 ? 'vendor=x' : '',
    name: `chat model-${i} ${'ü'.repeat(i % 3)}`,
    startMs: 1_700_000_000_123.5,
    endMs: 1_700_000_000_223.25,
    attributes: {
      text: 'héllo',
      int: 42,
      negative: -5,
      double: 0.25,
      yes: true,
      list: ['stop', 'length'],
    },
    events:
      i === 0
        ? [{ name: 'gateway.target.skipped', atMs: 1_700_000_000_150, attributes: { 'gateway.target': 'a/b' } }]
        : undefined,
    status: i === 0 ? 2 : 0,
    statusMessage: i === 0 ? 'upstream failed' : '',
  });
}

const b64hex = (v: unknown) => Buffer.from(String(v), 'base64').toString('hex');

test('a batch of 600 spans in protobuf decodes field for field', () => {
  const spans = Array.from({ length: 600 }, (_, i) => record(i));
  const bytes = traceRequestProtobuf(origin, spans);
  assert.ok(bytes.length > 100_000, 'long enough for three-byte length prefixes');
  const req = decode('ExportTraceServiceRequest', bytes);
  const rs = (req.resourceSpans as Obj[])[0]!;
  const resource = (rs.resource as Obj).attributes as Obj[];
  assert.deepEqual(resource, [
    { key: 'service.name', value: { stringValue: 'svc' } },
    { key: 'process.pid', value: { intValue: '7' } },
  ]);
  const ss = (rs.scopeSpans as Obj[])[0]!;
  assert.deepEqual(ss.scope, { name: 'scope' });
  const out = ss.spans as Obj[];
  assert.equal(out.length, 600);
  const [first, second] = out as [Obj, Obj];
  assert.equal(b64hex(first.traceId), '4bf92f3577b34da6a3ce929d0e0e4736');
  assert.equal(b64hex(first.spanId), '0000000000001000');
  assert.equal(first.parentSpanId, undefined);
  assert.equal(b64hex(second.parentSpanId), '00f067aa0ba902b7');
  assert.equal(second.traceState, 'vendor=x');
  assert.equal(second.name, 'chat model-1 ü');
  assert.equal(first.kind, 2);
  assert.equal(first.startTimeUnixNano, String(unixNanos(1_700_000_000_123.5)));
  assert.equal(first.startTimeUnixNano, '1700000000123500000');
  assert.equal(first.endTimeUnixNano, '1700000000223250000');
  assert.deepEqual(first.attributes, [
    { key: 'text', value: { stringValue: 'héllo' } },
    { key: 'int', value: { intValue: '42' } },
    { key: 'negative', value: { intValue: '-5' } },
    { key: 'double', value: { doubleValue: 0.25 } },
    { key: 'yes', value: { boolValue: true } },
    { key: 'list', value: { arrayValue: { values: [{ stringValue: 'stop' }, { stringValue: 'length' }] } } },
  ]);
  assert.deepEqual(first.events, [
    {
      timeUnixNano: '1700000000150000000',
      name: 'gateway.target.skipped',
      attributes: [{ key: 'gateway.target', value: { stringValue: 'a/b' } }],
    },
  ]);
  assert.deepEqual(first.status, { message: 'upstream failed', code: 2 });
  assert.equal(second.status, undefined);
  assert.equal(b64hex((out[599] as Obj).spanId), (0x1000 + 599).toString(16).padStart(16, '0'));
});

test('the same batch in JSON: hex ids, 64-bit integers as strings, enums as numbers', () => {
  const req = JSON.parse(Buffer.from(traceRequestJson(origin, [record(0), record(1)])).toString()) as Obj;
  const [first, second] = ((req.resourceSpans as Obj[])[0]!.scopeSpans as Obj[])[0]!.spans as [Obj, Obj];
  assert.equal(first.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  assert.equal(first.parentSpanId, undefined);
  assert.equal(second.parentSpanId, '00f067aa0ba902b7');
  assert.equal(first.startTimeUnixNano, '1700000000123500000');
  assert.equal(first.kind, 2);
  assert.deepEqual((first.attributes as Obj[])[2], { key: 'negative', value: { intValue: '-5' } });
  assert.deepEqual(first.status, { code: 2, message: 'upstream failed' });
});

test('histograms: a value on a bound counts in that bucket; both encodings carry the series', () => {
  const h = new Histogram({ name: 'h', unit: 's', description: 'd', bounds: [1, 2] });
  const attrs = () => ({ model: 'm' });
  for (const v of [0.5, 1, 1.5, 2, 3]) h.record(v, 'm', attrs);
  h.record(10, 'other', () => ({ model: 'n' }));
  const [m, n] = h.snapshot();
  assert.deepEqual([...(m?.buckets ?? [])], [2, 2, 1]);
  assert.deepEqual([m?.count, m?.sum, m?.min, m?.max], [5, 8, 0.5, 3]);
  assert.deepEqual(n?.attributes, { model: 'n' });

  const req = decode('ExportMetricsServiceRequest', metricsRequestProtobuf(origin, [h], 1000, 2000));
  const metric = (((req.resourceMetrics as Obj[])[0]!.scopeMetrics as Obj[])[0]!.metrics as Obj[])[0]!;
  assert.deepEqual([metric.name, metric.unit], ['h', 's']);
  const points = (metric.histogram as Obj).dataPoints as Obj[];
  assert.deepEqual(
    points.map((p) => [p.count, p.sum, p.bucketCounts, p.explicitBounds, p.attributes]),
    [
      ['5', 8, ['2', '2', '1'], [1, 2], [{ key: 'model', value: { stringValue: 'm' } }]],
      ['1', 10, ['0', '0', '1'], [1, 2], [{ key: 'model', value: { stringValue: 'n' } }]],
    ],
  );
  const json = JSON.parse(Buffer.from(metricsRequestJson(origin, [h], 1000, 2000)).toString()) as Obj;
  const jm = (((json.resourceMetrics as Obj[])[0]!.scopeMetrics as Obj[])[0]!.metrics as Obj[])[0]!;
  const jp = ((jm.histogram as Obj).dataPoints as Obj[])[0]!;
  assert.deepEqual(
    [jp.count, jp.bucketCounts, jp.startTimeUnixNano, (jm.histogram as Obj).aggregationTemporality],
    ['5', ['2', '2', '1'], '1000000000', 2],
  );
});

test('beyond 2,000 series a histogram counts into one overflow series', () => {
  const h = new Histogram({ name: 'h', unit: '1', description: '', bounds: [1] });
  for (let i = 0; i < 2005; i++) h.record(1, `k${i}`, () => ({ k: i }));
  const series = h.snapshot();
  assert.equal(series.length, 2001);
  const overflow = series.find((s) => s.attributes['otel.metric.overflow'] === true);
  assert.equal(overflow?.count, 5);
});
