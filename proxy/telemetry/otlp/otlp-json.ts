/**
 * OTLP/HTTP JSON bodies: the protobuf messages in proto3's JSON mapping as OTLP specifies it
 * (camelCase names, trace and span ids in hex, enums as numbers, 64-bit integers as strings).
 */
import { unixNanos, type SpanBatch, type SpanRecord } from './span-record.js';
import {
  PlainAttributeSink,
  type AttrValue,
  type AttributeKey,
  type AttributeSource,
  type Attrs,
} from './attributes.js';
import type { Histogram } from './histograms.js';
import type { ExportOrigin } from './otlp-protobuf.js';

type Json = Record<string, unknown>;

function anyValue(v: AttrValue): Json {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isSafeInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  return { arrayValue: { values: v.map(anyValue) } };
}

function attributes(attrs: Attrs): Json[] {
  const out: Json[] = [];
  for (const key in attrs) {
    const v = attrs[key];
    if (v !== undefined) out.push({ key, value: anyValue(v) });
  }
  return out;
}

class JsonSink extends PlainAttributeSink {
  readonly out: Json[] = [];

  attr(key: AttributeKey, value: AttrValue): void {
    this.out.push({ key: key.name, value: anyValue(value) });
  }
}

// What a span's attribute source writes, as OTLP JSON key-values.
function sourceAttributes(source: AttributeSource): Json[] {
  const sink = new JsonSink();
  source.writeAttributes(sink);
  return sink.out;
}

const nanos = (ms: number) => String(unixNanos(ms));

function span(r: SpanRecord): Json {
  return {
    traceId: r.traceId,
    spanId: r.spanId,
    ...(r.traceState ? { traceState: r.traceState } : {}),
    ...(r.parentSpanId ? { parentSpanId: r.parentSpanId } : {}),
    name: r.name,
    kind: r.kind,
    startTimeUnixNano: nanos(r.startMs),
    endTimeUnixNano: nanos(r.endMs),
    attributes: sourceAttributes(r.attributes),
    ...(r.events?.length
      ? {
          events: r.events.map((e) => ({
            timeUnixNano: nanos(e.atMs),
            name: e.name,
            attributes: attributes(e.attributes),
          })),
        }
      : {}),
    status: { code: r.status, ...(r.statusMessage ? { message: r.statusMessage } : {}) },
  };
}

/** Spans encoded as JSON text as they finish, joined into a request at the end. */
export class JsonSpanBatch implements SpanBatch {
  private readonly parts: string[] = [];
  count = 0;

  add(r: SpanRecord): void {
    this.parts.push(JSON.stringify(span(r)));
    this.count++;
  }

  release(): void {
    // Strings: nothing to reuse.
  }

  body(origin: ExportOrigin): Uint8Array {
    const resource = JSON.stringify({ attributes: attributes(origin.resource) });
    return Buffer.from(
      `{"resourceSpans":[{"resource":${resource},"scopeSpans":[{"scope":${JSON.stringify(origin.scope)},"spans":[${this.parts.join(',')}]}]}]}`,
    );
  }
}

/** An ExportTraceServiceRequest of `spans` as JSON. */
export function traceRequestJson(origin: ExportOrigin, spans: readonly SpanRecord[]): Uint8Array {
  const batch = new JsonSpanBatch();
  for (const r of spans) batch.add(r);
  return batch.body(origin);
}

/** An ExportMetricsServiceRequest of `histograms` as JSON, cumulative since `startMs`, observed at `nowMs`. */
export function metricsRequestJson(
  origin: ExportOrigin,
  histograms: readonly Histogram[],
  startMs: number,
  nowMs: number,
): Uint8Array {
  const metrics = histograms
    .map((h) => ({ h, series: h.snapshot() }))
    .filter(({ series }) => series.length > 0)
    .map(({ h, series }) => ({
      name: h.definition.name,
      description: h.definition.description,
      unit: h.definition.unit,
      histogram: {
        aggregationTemporality: 2,
        dataPoints: series.map((s) => ({
          attributes: attributes(s.attributes),
          startTimeUnixNano: nanos(startMs),
          timeUnixNano: nanos(nowMs),
          count: String(s.count),
          sum: s.sum,
          bucketCounts: Array.from(s.buckets, (c) => String(c)),
          explicitBounds: h.definition.bounds,
          min: s.min,
          max: s.max,
        })),
      },
    }));
  return Buffer.from(
    JSON.stringify({
      resourceMetrics: [
        { resource: { attributes: attributes(origin.resource) }, scopeMetrics: [{ scope: origin.scope, metrics }] },
      ],
    }),
  );
}
