/**
 * OTLP/HTTP protobuf bodies (opentelemetry-proto: collector/trace/v1 ExportTraceServiceRequest
 * and collector/metrics/v1 ExportMetricsServiceRequest), written straight from the span records
 * and histograms, with the proto files' own field numbers.
 */
import { ProtobufWriter } from './protobuf-writer.js';
import { unixNanos, type AttrValue, type Attrs, type SpanBatch, type SpanRecord } from './span-record.js';
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

function attributes(w: ProtobufWriter, field: number, attrs: Attrs): void {
  for (const key in attrs) {
    const v = attrs[key];
    if (v === undefined) continue;
    // Strings, integers and booleans (nearly every attribute) are written with their lengths
    // computed up front; arrays and doubles take the general path.
    if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0))
      w.scalarKeyValue(field, key, v);
    else {
      const kv = w.open(field);
      w.constantString(1, key);
      anyValue(w, 2, v);
      w.close(kv);
    }
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

function span(w: ProtobufWriter, r: SpanRecord): void {
  const m = w.open(2);
  w.hexBytes(1, r.traceId);
  w.hexBytes(2, r.spanId);
  if (r.traceState) w.string(3, r.traceState);
  if (r.parentSpanId) w.hexBytes(4, r.parentSpanId);
  w.string(5, r.name);
  w.uint(6, r.kind);
  w.fixed64(7, unixNanos(r.startMs));
  w.fixed64(8, unixNanos(r.endMs));
  attributes(w, 9, r.attributes);
  for (const e of r.events ?? []) {
    const em = w.open(11);
    w.fixed64(1, unixNanos(e.atMs));
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
  w.close(m);
}

/** Spans encoded as protobuf as they finish (one growing buffer), wrapped into a request at the end. */
export class ProtobufSpanBatch implements SpanBatch {
  private readonly w = new ProtobufWriter(64 * 1024);
  count = 0;

  add(r: SpanRecord): void {
    span(this.w, r);
    this.count++;
  }

  body(origin: ExportOrigin): Uint8Array {
    const spans = this.w.finish();
    const out = new ProtobufWriter(spans.length + 1024);
    const rs = out.open(1);
    resource(out, origin);
    const ss = out.open(2);
    scope(out, origin);
    out.raw(spans);
    out.close(ss);
    out.close(rs);
    return out.finish();
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
