// The protobuf span batch's shortcuts, read back by the decoder built from the proto files
// (test/harness/otlp-schema.ts): timestamps written without BigInt, attribute values copied from
// bytes encoded once (and past the per-key bound), batch buffers reused once an export is done,
// an envelope too large for the room left before the spans, spans of every length-prefix size,
// runs of attributes copied only while their values repeat, ids that repeat or not, ids copied
// from the pools they were cut from after those were refilled, arrays of strings and span names
// copied from the bytes written last or not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { otlpRoot } from '../harness/otlp-schema.js';
import { BatchBuffers, ProtobufSpanBatch } from '../../proxy/telemetry/otlp/otlp-protobuf.js';
import { unixNanos, type SpanRecord } from '../../proxy/telemetry/otlp/span-record.js';
import type { Attrs } from '../../proxy/telemetry/otlp/attributes.js';
import { testSpan } from '../harness/test-span.js';
import { attemptAttributes } from '../../proxy/telemetry/request-attributes.js';
import { lastCut, newSpanId, newTraceId } from '../../proxy/telemetry/otlp/trace-ids.js';

type Obj = Record<string, unknown>;
const origin = { resource: { 'service.name': 'svc' }, scope: { name: 'scope', version: '1' } };

function decodeSpans(bytes: Uint8Array, o = origin): Obj[] {
  const t = otlpRoot.lookupType('opentelemetry.ExportTraceServiceRequest');
  const req = t.toObject(t.decode(bytes), { longs: String, bytes: String, defaults: false }) as Obj;
  const rs = (req.resourceSpans as Obj[])[0]!;
  const resource = (rs.resource as Obj).attributes as Obj[];
  assert.equal(resource.length, Object.keys(o.resource).length);
  return ((rs.scopeSpans as Obj[])[0]!.spans as Obj[]) ?? [];
}

const span = (i: number, startMs: number, attributes: Attrs) =>
  testSpan(0x2000 + i, { name: `span ${i}`, startMs, endMs: startMs + 0.000001 * i, attributes });

const attributeOf = (s: Obj, key: string) =>
  ((s.attributes as Obj[]).find((a) => a.key === key)?.value as Obj | undefined) ?? {};

test('timestamps are the exact nanoseconds of their milliseconds, over the whole epoch range', () => {
  const times = [0, 0.000001, 1, 1_700_000_000_123.5, 1_733_356_800_000.75, 2 ** 41 + 0.25, 4_102_444_800_000.5];
  for (let i = 0; i < 200; i++) times.push(Math.random() * 4_102_444_800_000);
  const batch = new ProtobufSpanBatch();
  times.forEach((ms, i) => batch.add(span(i, ms, {})));
  const out = decodeSpans(batch.body(origin));
  assert.equal(out.length, times.length);
  times.forEach((ms, i) => {
    assert.equal(out[i]!.startTimeUnixNano, String(unixNanos(ms)), `start of ${ms}`);
    assert.equal(out[i]!.endTimeUnixNano, String(unixNanos(ms + 0.000001 * i)), `end of ${ms}`);
  });
});

test('a value repeated, a key past its bound of cached values, and long and non-ASCII values decode the same', () => {
  const batch = new ProtobufSpanBatch();
  const long = 'x'.repeat(500);
  for (let i = 0; i < 400; i++)
    batch.add(
      span(i, 1_700_000_000_000, {
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.id': `chatcmpl-${i}`,
        'gen_ai.usage.output_tokens': i,
        'test.flag': i % 2 === 0,
        'test.long': long,
        'test.text': `modèle-${i % 3}`,
      }),
    );
  const out = decodeSpans(batch.body(origin));
  assert.equal(out.length, 400);
  out.forEach((s, i) => {
    assert.deepEqual(attributeOf(s, 'gen_ai.request.model'), { stringValue: 'gpt-4o' });
    assert.deepEqual(attributeOf(s, 'gen_ai.response.id'), { stringValue: `chatcmpl-${i}` });
    assert.deepEqual(attributeOf(s, 'gen_ai.usage.output_tokens'), { intValue: String(i) });
    assert.deepEqual(attributeOf(s, 'test.flag'), { boolValue: i % 2 === 0 });
    assert.deepEqual(attributeOf(s, 'test.long'), { stringValue: long });
    assert.deepEqual(attributeOf(s, 'test.text'), { stringValue: `modèle-${i % 3}` });
  });
});

test('a buffer is reused only once its batch is released, and a grown one is kept at its size', () => {
  const buffers = new BatchBuffers();
  const big = (i: number) => span(i, 1_700_000_000_000, { 'test.pad': 'p'.repeat(90) + String(i % 7) });
  const first = new ProtobufSpanBatch(buffers);
  for (let i = 0; i < 1500; i++) first.add(big(i));
  const firstBody = first.body(origin);
  // A second batch while the first is still being sent gets other memory.
  const second = new ProtobufSpanBatch(buffers);
  second.add(span(1, 1_700_000_000_000, { 'test.second': true }));
  const secondBody = second.body(origin);
  assert.equal(decodeSpans(firstBody).length, 1500);
  assert.notEqual(firstBody.buffer, secondBody.buffer);
  first.release();
  second.release();
  // The next batch takes the grown buffer back and writes over the first batch's bytes.
  const third = new ProtobufSpanBatch(buffers);
  third.add(span(3, 1_700_000_000_000, { 'test.third': 'yes' }));
  const thirdBody = third.body(origin);
  assert.equal(thirdBody.buffer, firstBody.buffer);
  const [only] = decodeSpans(thirdBody);
  assert.equal(only?.name, 'span 3');
  assert.deepEqual(attributeOf(only!, 'test.third'), { stringValue: 'yes' });
});

test('an envelope larger than the room before the spans is still one valid request', () => {
  const wide = { resource: { 'service.name': 'svc', 'test.wide': 'w'.repeat(6000) }, scope: origin.scope };
  const batch = new ProtobufSpanBatch();
  batch.add(span(1, 1_700_000_000_000, {}));
  const out = decodeSpans(batch.body(wide), wide);
  assert.equal(out[0]?.name, 'span 1');
});

test('spans of every length around each size of the length prefix are read back whole', () => {
  // A span's length is written into two bytes kept free before it, which fit 128 to 16,383:
  // names from empty to 200 characters and around 16,300 give every span length across 127/128
  // and 16,383/16,384, and one far larger takes a four-byte prefix.
  const names: string[] = [];
  for (let n = 0; n <= 200; n++) names.push('m'.repeat(n));
  for (let n = 16_200; n <= 16_400; n++) names.push('l'.repeat(n));
  names.push('y'.repeat(3_000_000));
  const batch = new ProtobufSpanBatch();
  names.forEach((name, i) => batch.add(testSpan(0x3000 + i, { name, attributes: { 'test.i': i } })));
  const out = decodeSpans(batch.body(origin));
  assert.deepEqual(
    out.map((s) => [(s.name as string).length, attributeOf(s, 'test.i')]),
    names.map((n, i) => [n.length, { intValue: String(i) }]),
  );
});

test('attributes written as a run are copied only while their values stay the same', () => {
  const targets = [
    { upstream: 'east', deployment: 'gpt-4o', key: 'east/gpt-4o' },
    { upstream: 'west', deployment: 'gpt-4o', key: 'west/gpt-4o' },
    { upstream: 'west', deployment: '(files)', key: 'west/(files)' },
  ];
  // [target, attempt]: runs of the same values (copied), then a change in one value at a time.
  const order: [number, number][] = [
    [0, 1],
    [0, 1],
    [0, 1],
    [1, 1],
    [1, 1],
    [1, 2],
    [1, 2],
    [0, 2],
    [2, 2],
    [2, 2],
    [2, 1],
    [0, 1],
    [0, 1],
  ];
  const batch = new ProtobufSpanBatch();
  order.forEach(([t, n], i) => {
    batch.add({
      ...testSpan(0x4000 + i),
      attributes: { writeAttributes: (sink) => attemptAttributes('chat', targets[t]!, n, sink) },
    });
  });
  const out = decodeSpans(batch.body(origin));
  assert.equal(out.length, order.length);
  out.forEach((s, i) => {
    const [ti, n] = order[i]!;
    const t = targets[ti]!;
    assert.deepEqual(attributeOf(s, 'gateway.target'), { stringValue: t.key }, `span ${i}`);
    assert.deepEqual(attributeOf(s, 'gateway.upstream'), { stringValue: t.upstream }, `span ${i}`);
    assert.deepEqual(attributeOf(s, 'gateway.attempt'), { intValue: String(n) }, `span ${i}`);
    assert.deepEqual(
      attributeOf(s, 'gen_ai.request.model'),
      t.deployment.startsWith('(') ? {} : { stringValue: t.deployment },
      `span ${i}`,
    );
    assert.equal((s.attributes as Obj[]).length, t.deployment.startsWith('(') ? 6 : 7, `span ${i}`);
  });
});

test('ids are read back right whether they repeat those just written or not', () => {
  // As a request writes them: each attempt's span (trace, own id, the request's span as parent),
  // then the request's span (trace, own id, the caller's span or none).
  const id = (n: number, digits: number) => n.toString(16).padStart(digits, '0');
  const spans: { traceId: string; spanId: string; parentSpanId: string }[] = [];
  for (let r = 0; r < 6; r++) {
    const traceId = id(0xa000 + (r % 4), 32);
    const requestSpan = id(0xb000 + r, 16);
    for (let a = 0; a <= r % 3; a++)
      spans.push({ traceId, spanId: id(0xc000 + r * 8 + a, 16), parentSpanId: requestSpan });
    spans.push({ traceId, spanId: requestSpan, parentSpanId: r % 2 ? id(0xd000 + r, 16) : '' });
  }
  // Ids that share their first digits with those before and differ later, and ids that do not.
  const random = (digits: number) => randomBytes(digits / 2).toString('hex');
  for (let r = 0; r < 4; r++) {
    const traceId = random(32);
    const requestSpan = random(16);
    spans.push({ traceId, spanId: requestSpan.slice(0, 3) + random(16).slice(3), parentSpanId: requestSpan });
    spans.push({
      traceId: traceId.slice(0, 31) + (traceId[31] === '0' ? '1' : '0'),
      spanId: requestSpan,
      parentSpanId: '',
    });
  }
  const batch = new ProtobufSpanBatch();
  spans.forEach((ids, i) => batch.add(testSpan(i, ids)));
  const out = decodeSpans(batch.body(origin));
  const hex = (v: unknown) => (v === undefined ? '' : Buffer.from(String(v), 'base64').toString('hex'));
  assert.deepEqual(
    out.map((s) => ({ traceId: hex(s.traceId), spanId: hex(s.spanId), parentSpanId: hex(s.parentSpanId) })),
    spans,
  );
});

test('arrays of strings decode the same whether their one string repeats, changes or they hold several or none', () => {
  const fresh = (s: string) => [...s].join('');
  const arrays = [
    ['stop'],
    ['stop'],
    [fresh('stop')],
    ['length'],
    ['stop', 'length'],
    [],
    ['stop'],
    ['modèle'],
    ['x'.repeat(300)],
    ['stop'],
  ];
  const batch = new ProtobufSpanBatch();
  arrays.forEach((reasons, i) => batch.add(span(i, 1_700_000_000_000, { 'gen_ai.response.finish_reasons': reasons })));
  const out = decodeSpans(batch.body(origin));
  assert.equal(out.length, arrays.length);
  out.forEach((s, i) => {
    const value = attributeOf(s, 'gen_ai.response.finish_reasons');
    assert.ok('arrayValue' in value, `span ${i} carries the array, empty or not`);
    const values = ((value.arrayValue as Obj).values ?? []) as Obj[];
    assert.deepEqual(
      values.map((v) => v.stringValue),
      arrays[i],
      `span ${i}`,
    );
  });
});

test('span names decode right whether they repeat by reference, by value or change, per kind of span', () => {
  const fresh = (s: string) => [...s].join('');
  const named = 'chat gpt-4o-mini';
  const names: [string, number][] = [
    [named, 3],
    [named, 2],
    [named, 3],
    [fresh(named), 3],
    ['chat gpt-4o', 3],
    [named, 2],
    ['POST /v1/files', 2],
    ['modèle à répondre', 3],
    ['n'.repeat(200), 2],
    [named, 3],
    [named, 1],
  ];
  const batch = new ProtobufSpanBatch();
  names.forEach(([name, kind], i) => batch.add(testSpan(i, { name, kind })));
  const out = decodeSpans(batch.body(origin));
  assert.deepEqual(
    out.map((s) => s.name),
    names.map(([name]) => name),
  );
});

test('ids cut by this process are written from their bytes, after the pools they were cut from were refilled', () => {
  // Every id is cut before any span is encoded, as spans wait for their run in the proxy: far
  // more ids than one pool holds, with a caller's hex parent now and then.
  const spans: { traceId: string; spanId: string; parentSpanId: string }[] = [];
  const records: SpanRecord[] = [];
  for (let r = 0; r < 400; r++) {
    const traceId = newTraceId();
    const traceCut = { ...lastCut };
    const spanId = newSpanId();
    const spanCut = { ...lastCut };
    const parentSpanId = r % 5 ? newSpanId() : 'a0b1c2d3e4f50617';
    const parentCut = r % 5 ? { ...lastCut } : { pool: undefined, at: 0 };
    spans.push({ traceId, spanId, parentSpanId });
    records.push(
      testSpan(r, {
        traceId,
        spanId,
        parentSpanId,
        traceIdPool: traceCut.pool,
        traceIdAt: traceCut.at,
        spanIdPool: spanCut.pool,
        spanIdAt: spanCut.at,
        parentIdPool: parentCut.pool,
        parentIdAt: parentCut.at,
      }),
    );
  }
  assert.ok(new Set(records.map((r) => r.traceIdPool)).size > 1, 'the ids span more than one pool');
  const batch = new ProtobufSpanBatch();
  for (const r of records) batch.add(r);
  const out = decodeSpans(batch.body(origin));
  const hex = (v: unknown) => (v === undefined ? '' : Buffer.from(String(v), 'base64').toString('hex'));
  assert.deepEqual(
    out.map((s) => ({ traceId: hex(s.traceId), spanId: hex(s.spanId), parentSpanId: hex(s.parentSpanId) })),
    spans,
  );
});
