/**
 * A loopback OTLP/HTTP receiver for tests: accepts `/v1/traces` and `/v1/metrics` in both
 * encodings the exporters speak (`application/json` and `application/x-protobuf`), decodes them
 * into one plain shape, and keeps what arrived for assertions.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { otlpRoot } from './otlp-schema.js';

/** An attribute value as decoded (int64 as number). */
export type AttrValue = string | number | boolean | AttrValue[];

/** One received span. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, AttrValue>;
  events: Array<{ name: string; attributes: Record<string, AttrValue> }>;
  statusCode: number;
  resource: Record<string, AttrValue>;
}

/** One received metric data point (histograms give count and sum; sums and gauges a value). */
export interface ReceivedPoint {
  metric: string;
  unit: string;
  attributes: Record<string, AttrValue>;
  count?: number;
  sum?: number;
  value?: number;
}

/** The running receiver. */
export interface OtlpReceiver {
  url: string;
  spans: ReceivedSpan[];
  points: ReceivedPoint[];
  /** The content types of the requests received, in order. */
  contentTypes: string[];
  close(): Promise<void>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function hex(v: unknown): string {
  if (typeof v === 'string') return v.toLowerCase();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  return '';
}

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Number(v);
  if (isObj(v) && typeof v.toNumber === 'function') return (v.toNumber as () => number)();
  return NaN;
}

function nanos(v: unknown): bigint {
  if (typeof v === 'string' || typeof v === 'number') return BigInt(v);
  if (isObj(v) && typeof v.toString === 'function') return BigInt((v.toString as () => string)());
  return 0n;
}

function anyValue(v: unknown): AttrValue {
  if (!isObj(v)) return '';
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  if (v.intValue !== undefined && v.intValue !== null) return num(v.intValue);
  if (typeof v.doubleValue === 'number') return v.doubleValue;
  if (isObj(v.arrayValue)) return list(v.arrayValue.values).map(anyValue);
  return '';
}

function attributes(v: unknown): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const kv of list(v)) if (isObj(kv) && typeof kv.key === 'string') out[kv.key] = anyValue(kv.value);
  return out;
}

function spansOf(req: unknown): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of list(isObj(req) ? req.resourceSpans : undefined)) {
    if (!isObj(rs)) continue;
    const resource = attributes(isObj(rs.resource) ? rs.resource.attributes : undefined);
    for (const ss of list(rs.scopeSpans)) {
      for (const s of list(isObj(ss) ? ss.spans : undefined)) {
        if (!isObj(s)) continue;
        out.push({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          parentSpanId: hex(s.parentSpanId),
          name: String(s.name),
          kind: num(s.kind),
          startNs: nanos(s.startTimeUnixNano),
          endNs: nanos(s.endTimeUnixNano),
          attributes: attributes(s.attributes),
          events: list(s.events).map((e) => ({
            name: isObj(e) ? String(e.name) : '',
            attributes: attributes(isObj(e) ? e.attributes : undefined),
          })),
          statusCode: isObj(s.status) ? num(s.status.code ?? 0) : 0,
          resource,
        });
      }
    }
  }
  return out;
}

function pointsOf(req: unknown): ReceivedPoint[] {
  const out: ReceivedPoint[] = [];
  for (const rm of list(isObj(req) ? req.resourceMetrics : undefined)) {
    for (const sm of list(isObj(rm) ? rm.scopeMetrics : undefined)) {
      for (const m of list(isObj(sm) ? sm.metrics : undefined)) {
        if (!isObj(m)) continue;
        const base = { metric: String(m.name), unit: String(m.unit ?? '') };
        const data = [m.histogram, m.sum, m.gauge].find(isObj);
        for (const p of list(data?.dataPoints)) {
          if (!isObj(p)) continue;
          const point: ReceivedPoint = { ...base, attributes: attributes(p.attributes) };
          if (m.histogram !== undefined && m.histogram !== null) {
            point.count = num(p.count);
            point.sum = num(p.sum);
          } else point.value = p.asDouble !== undefined && p.asDouble !== null ? num(p.asDouble) : num(p.asInt);
          out.push(point);
        }
      }
    }
  }
  return out;
}

function decode(kind: 'traces' | 'metrics', contentType: string, body: Buffer): unknown {
  if (contentType.startsWith('application/json')) return JSON.parse(body.toString('utf8'));
  const type = otlpRoot.lookupType(
    kind === 'traces' ? 'opentelemetry.ExportTraceServiceRequest' : 'opentelemetry.ExportMetricsServiceRequest',
  );
  return type.toObject(type.decode(body), { longs: String, defaults: false, oneofs: false });
}

/** Starts a receiver on a free loopback port. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const points: ReceivedPoint[] = [];
  const contentTypes: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const type = String(req.headers['content-type'] ?? '');
      const kind = req.url === '/v1/traces' ? 'traces' : req.url === '/v1/metrics' ? 'metrics' : undefined;
      if (!kind) {
        res.writeHead(404).end();
        return;
      }
      try {
        const decoded = decode(kind, type, Buffer.concat(chunks));
        contentTypes.push(type);
        if (kind === 'traces') spans.push(...spansOf(decoded));
        else points.push(...pointsOf(decoded));
      } catch (err) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(String(err));
        return;
      }
      // An empty export response is valid in both encodings (no partial success).
      res.writeHead(200, { 'content-type': type.startsWith('application/json') ? 'application/json' : type });
      res.end(type.startsWith('application/json') ? '{}' : Buffer.alloc(0));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    points,
    contentTypes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
