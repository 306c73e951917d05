/**
 * OTLP/HTTP protobuf bodies (opentelemetry-proto: collector/trace/v1 ExportTraceServiceRequest
 * and collector/metrics/v1 ExportMetricsServiceRequest), written straight from the span records
 * and histograms, with the proto files' own field numbers.
 */
import { EXPORTS_IN_FLIGHT } from './otlp-sender.js';
import { ProtobufWriter, varintSize } from './protobuf-writer.js';
import { unixNanos, type SpanBatch, type SpanRecord } from './span-record.js';
import {
  attributeKey,
  writeRun,
  type AttrValue,
  type AttributeKey,
  type AttributeRun,
  type AttributeSink,
  type Attrs,
} from './attributes.js';
import type { Histogram } from './histograms.js';

/** What every export names: the resource's attributes and the instrumentation scope. */
export interface ExportOrigin {
  resource: Attrs;
  scope: { name: string; version: string };
}

function anyValue(w: ProtobufWriter, field: number, v: AttrValue): void {
  const m = w.open(field);
  if (typeof v === 'string') w.string(1, v);
  else if (typeof v === 'boolean') w.bool(2, v);
  else if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) w.int64(3, v);
    else w.double(4, v);
  } else {
    const array = w.open(5);
    for (const item of v) anyValue(w, 1, item);
    w.close(array);
  }
  w.close(m);
}

function attribute(w: ProtobufWriter, field: number, key: AttributeKey, v: AttrValue): void {
  // Strings, non-negative integers, booleans and arrays of strings (nearly every attribute) are
  // written with their lengths computed up front; doubles and negative integers take the general
  // path.
  if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0))
    w.keyValue(field, key, v);
  else if (Array.isArray(v)) w.stringArrayKeyValue(field, key, v);
  else {
    const kv = w.open(field);
    w.constantString(1, key.name);
    anyValue(w, 2, v);
    w.close(kv);
  }
}

function attributes(w: ProtobufWriter, field: number, attrs: Attrs): void {
  for (const key in attrs) {
    const v = attrs[key];
    if (v !== undefined) attribute(w, field, attributeKey(key), v);
  }
}

// A span's attributes, written by their source straight into the batch (span field 9); a run
// whose values are those it had last time is copied from the bytes written then.
class SpanAttributeSink implements AttributeSink {
  constructor(private readonly w: ProtobufWriter) {}

  attr(key: AttributeKey, value: AttrValue): void {
    attribute(this.w, 9, key, value);
  }

  run(run: AttributeRun, values: readonly (AttrValue | undefined)[]): void {
    const { keys, lastValues, lastBytes } = run;
    if (lastValues && lastBytes) {
      let same = true;
      for (let i = 0; i < keys.length; i++)
        if (lastValues[i] !== values[i]) {
          same = false;
          break;
        }
      if (same) return this.w.raw(lastBytes);
    }
    const { w } = this;
    const start = w.position;
    writeRun(this, run, values);
    run.lastBytes = Uint8Array.prototype.slice.call(w.buffer, start, w.position);
    run.lastValues = values.slice(0, keys.length);
  }
}

function resource(w: ProtobufWriter, origin: ExportOrigin): void {
  const resource = w.open(1);
  attributes(w, 1, origin.resource);
  w.close(resource);
}

function scope(w: ProtobufWriter, origin: ExportOrigin): void {
  const s = w.open(1);
  w.string(1, origin.scope.name);
  w.string(2, origin.scope.version);
  w.close(s);
}

function span(w: ProtobufWriter, sink: AttributeSink, r: SpanRecord): void {
  const m = w.openSized(2);
  if (r.traceIdPool) w.idBytes(1, r.traceIdPool, r.traceIdAt, 16);
  else w.hexBytes(1, r.traceId);
  if (r.spanIdPool) w.idBytes(2, r.spanIdPool, r.spanIdAt, 8);
  else w.hexBytes(2, r.spanId);
  if (r.traceState) w.string(3, r.traceState);
  if (r.parentIdPool) w.idBytes(4, r.parentIdPool, r.parentIdAt, 8);
  else if (r.parentSpanId) w.hexBytes(4, r.parentSpanId);
  w.slotString(5, r.name, r.kind);
  w.uint(6, r.kind);
  w.timeNanos(7, r.startMs);
  w.timeNanos(8, r.endMs);
  r.attributes.writeAttributes(sink);
  if (r.events)
    for (const e of r.events) {
      const em = w.open(11);
      w.timeNanos(1, e.atMs);
      w.string(2, e.name);
      attributes(w, 3, e.attributes);
      w.close(em);
    }
  if (r.status !== 0 || r.statusMessage) {
    const sm = w.open(15);
    if (r.statusMessage) w.string(2, r.statusMessage);
    w.uint(3, r.status);
    w.close(sm);
  }
  w.closeSized(m);
}

// Bytes left free before a batch's first span for the request's envelope (resource and scope),
// written there once the spans' length is known, so the spans are never copied.
const ENVELOPE_ROOM = 4096;
// Batch buffers kept for reuse: one filling and one per export in flight (a run of closed traces
// fills four batches at once, otlp-sender.ts).
const KEPT_BUFFERS = 1 + EXPORTS_IN_FLIGHT;

/**
 * Buffers for span batches, reused once their export is done: a batch written into memory the
 * process has just written and sent before stays in the CPU's caches and costs no page faults,
 * where a fresh buffer per batch (and a second one for the request) cost a request more than
 * encoding its spans did (docs/telemetry.md, "What it costs").
 */
export class BatchBuffers {
  private readonly free: Buffer[] = [];
  // The size a batch has needed: a buffer that had to grow is kept at its grown size.
  private size = 64 * 1024;

  take(): Buffer {
    const b = this.free.pop();
    return b && b.length >= this.size ? b : Buffer.allocUnsafe(this.size);
  }

  give(b: Buffer): void {
    if (b.length > this.size) this.size = b.length;
    if (b.length >= this.size && this.free.length < KEPT_BUFFERS) this.free.push(b);
  }
}

/**
 * Spans encoded as protobuf as they finish, into one buffer (reused from `buffers`), wrapped into
 * a request at the end by writing the envelope into the room left before them.
 */
export class ProtobufSpanBatch implements SpanBatch {
  private readonly w: ProtobufWriter;
  private readonly sink: AttributeSink;
  count = 0;

  constructor(private readonly buffers = new BatchBuffers()) {
    this.w = new ProtobufWriter(0, buffers.take(), ENVELOPE_ROOM);
    this.sink = new SpanAttributeSink(this.w);
  }

  add(r: SpanRecord): void {
    span(this.w, this.sink, r);
    this.count++;
  }

  body(origin: ExportOrigin): Uint8Array {
    const spansLength = this.w.position - ENVELOPE_ROOM;
    const resourceField = new ProtobufWriter(1024);
    resource(resourceField, origin);
    const scopeField = new ProtobufWriter(256);
    scope(scopeField, origin);
    const r = resourceField.finish();
    const sc = scopeField.finish();
    // ResourceSpans (1) { resource, ScopeSpans (2) { scope, spans } }
    const scopeSpansLength = sc.length + spansLength;
    const envelope = new ProtobufWriter(r.length + sc.length + 32);
    envelope.lengthPrefix(1, r.length + 1 + varintSize(scopeSpansLength) + scopeSpansLength);
    envelope.raw(r);
    envelope.lengthPrefix(2, scopeSpansLength);
    envelope.raw(sc);
    const head = envelope.finish();
    const buf = this.w.buffer;
    const spans = buf.subarray(ENVELOPE_ROOM, this.w.position);
    if (head.length > ENVELOPE_ROOM) return Buffer.concat([head, spans]);
    const start = ENVELOPE_ROOM - head.length;
    buf.set(head, start);
    return buf.subarray(start, this.w.position);
  }

  release(): void {
    this.buffers.give(this.w.buffer);
  }
}

/** An ExportTraceServiceRequest of `spans`. */
export function traceRequestProtobuf(origin: ExportOrigin, spans: readonly SpanRecord[]): Uint8Array {
  const batch = new ProtobufSpanBatch();
  for (const r of spans) batch.add(r);
  return batch.body(origin);
}

/** An ExportMetricsServiceRequest of `histograms`, cumulative since `startMs`, observed at `nowMs`. */
export function metricsRequestProtobuf(
  origin: ExportOrigin,
  histograms: readonly Histogram[],
  startMs: number,
  nowMs: number,
): Uint8Array {
  const w = new ProtobufWriter();
  const start = unixNanos(startMs);
  const now = unixNanos(nowMs);
  const rm = w.open(1);
  resource(w, origin);
  const sm = w.open(2);
  scope(w, origin);
  for (const h of histograms) {
    const series = h.snapshot();
    if (!series.length) continue;
    const metric = w.open(2);
    w.string(1, h.definition.name);
    w.string(2, h.definition.description);
    w.string(3, h.definition.unit);
    const hist = w.open(9);
    for (const s of series) {
      const p = w.open(1);
      w.fixed64(2, start);
      w.fixed64(3, now);
      w.fixed64(4, BigInt(s.count));
      w.double(5, s.sum);
      w.packedFixed64(6, s.buckets);
      w.packedDouble(7, h.definition.bounds);
      attributes(w, 9, s.attributes);
      w.double(11, s.min);
      w.double(12, s.max);
      w.close(p);
    }
    // AGGREGATION_TEMPORALITY_CUMULATIVE
    w.uint(2, 2);
    w.close(hist);
    w.close(metric);
  }
  w.close(sm);
  w.close(rm);
  return w.finish();
}
