/**
 * The OTLP exporter of this gateway's own spans and GenAI histograms (docs/telemetry.md, "What it
 * costs"), run on the exporter's thread (otlp-worker.ts): closed requests' spans are encoded as
 * the collector asked (protobuf or JSON) into the batch that is filling, and leave in batches
 * (OpenTelemetry's batch processor rules and `OTEL_BSP_*` variables: up to 512 every 5 s, at
 * most 2,048 waiting, the rest dropped and counted); histograms are aggregated here and sent
 * every metric interval. Nothing of the OpenTelemetry SDK runs per request.
 */
import os from 'node:os';
import { positiveInt, spanQueueSize, type ExporterSettings } from '../exporter-settings.js';
import { Histogram, type HistogramDefinition } from './histograms.js';
import { JsonSpanBatch, metricsRequestJson } from './otlp-json.js';
import { BatchBuffers, ProtobufSpanBatch, metricsRequestProtobuf, type ExportOrigin } from './otlp-protobuf.js';
import { OtlpSender, type ExportLog } from './otlp-sender.js';
import { nowMs, type SpanBatch, type SpanRecord } from './span-record.js';
import type { Attrs } from './attributes.js';

type Otlp = NonNullable<ExporterSettings['otlp']>;

/** The instrumentation scope every span and metric names. */
export const SCOPE = { name: 'foundry-gateway', version: '1' } as const;

// OTEL_RESOURCE_ATTRIBUTES: `k=v,k2=v2`, values URL-encoded (the SDK specification's format).
function resourceAttributes(env: NodeJS.ProcessEnv, serviceName: string): Attrs {
  const out: Attrs = {};
  for (const pair of (env.OTEL_RESOURCE_ATTRIBUTES ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    try {
      out[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      // A badly encoded value is left out rather than sent half-decoded.
    }
  }
  return {
    ...out,
    'service.name': serviceName,
    'host.name': os.hostname(),
    'process.pid': process.pid,
    'telemetry.sdk.name': SCOPE.name,
    'telemetry.sdk.language': 'nodejs',
  };
}

/** A running OTLP exporter. */
export class OtlpPipeline {
  private readonly origin: ExportOrigin;
  private readonly sender: OtlpSender;
  private readonly newBatch: () => SpanBatch;
  private readonly encodeMetrics: typeof metricsRequestProtobuf;
  // The batch filling now, the full ones waiting to leave, and how many spans they hold together.
  private current: SpanBatch;
  private readonly full: SpanBatch[] = [];
  private queued = 0;
  private readonly maxQueue: number;
  private readonly maxBatch: number;
  private readonly spanTimer: NodeJS.Timeout;
  private readonly metricTimer: NodeJS.Timeout;
  private readonly startedMs = nowMs();
  private readonly histogramList: Histogram[] = [];
  private exportSoon = false;
  /** Spans dropped because the queue was full. */
  droppedSpans = 0;

  constructor(
    private readonly otlp: Otlp,
    serviceName: string,
    metricIntervalMs: number,
    log: ExportLog,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const json = otlp.protocol === 'http/json';
    this.origin = { resource: resourceAttributes(env, serviceName), scope: SCOPE };
    this.maxQueue = spanQueueSize(env);
    this.maxBatch = Math.min(positiveInt(env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, 512), this.maxQueue);
    this.sender = new OtlpSender(
      json ? 'application/json' : 'application/x-protobuf',
      otlp.headers,
      log,
      this.maxBatch,
    );
    const buffers = new BatchBuffers();
    this.newBatch = json ? () => new JsonSpanBatch() : () => new ProtobufSpanBatch(buffers);
    this.current = this.newBatch();
    this.encodeMetrics = json ? metricsRequestJson : metricsRequestProtobuf;
    this.spanTimer = setInterval(() => this.exportSpans(), positiveInt(env.OTEL_BSP_SCHEDULE_DELAY, 5000)).unref();
    this.metricTimer = setInterval(() => void this.exportMetrics(), metricIntervalMs).unref();
  }

  /** A histogram exported with the others. */
  histogram(definition: HistogramDefinition): Histogram {
    const h = new Histogram(definition);
    this.histogramList.push(h);
    return h;
  }

  /** Encodes a finished span into the filling batch; a full batch leaves at the next turn of the event loop. */
  record(span: SpanRecord): void {
    if (this.queued >= this.maxQueue) {
      this.droppedSpans++;
      return;
    }
    this.current.add(span);
    this.queued++;
    if (this.current.count < this.maxBatch) return;
    this.full.push(this.current);
    this.current = this.newBatch();
    if (this.exportSoon) return;
    this.exportSoon = true;
    setImmediate(() => {
      this.exportSoon = false;
      while (this.full.length) void this.exportSpans();
    });
  }

  /**
   * Hands the full batches to the sender now. The exporter's thread calls it after each trace it
   * settles: a run holds many traces, and runs that waited for the thread arrive together, so
   * their batches would otherwise all wait for the next turn of the event loop, past the queue's
   * limit.
   */
  sendFull(): void {
    while (this.full.length) void this.exportSpans();
  }

  private get hasSpans(): boolean {
    return this.full.length > 0 || this.current.count > 0;
  }

  // Sends the oldest full batch, or the filling one; resolves when it was sent.
  private exportSpans(): Promise<void> {
    let batch = this.full.shift();
    if (!batch && this.current.count > 0) {
      batch = this.current;
      this.current = this.newBatch();
    }
    if (!batch) return Promise.resolve();
    this.queued -= batch.count;
    const sent = batch;
    return this.sender.send(this.otlp.tracesUrl, batch.body(this.origin)).then(() => sent.release());
  }

  private exportMetrics(): Promise<void> {
    if (!this.histogramList.some((h) => h.size > 0)) return Promise.resolve();
    const body = this.encodeMetrics(this.origin, this.histogramList, this.startedMs, nowMs());
    return this.sender.send(this.otlp.metricsUrl, body);
  }

  /** Sends every queued span and the histograms now, and waits until they were sent. */
  async flush(): Promise<void> {
    const sends: Promise<void>[] = [];
    while (this.hasSpans) sends.push(this.exportSpans());
    sends.push(this.exportMetrics());
    await Promise.all(sends);
    await this.sender.idle();
  }

  /** Stops the timers, hands everything queued to the sender, and closes it (otlp-sender.ts: five seconds at most). */
  async shutdown(): Promise<void> {
    clearInterval(this.spanTimer);
    clearInterval(this.metricTimer);
    while (this.hasSpans) void this.exportSpans();
    void this.exportMetrics();
    await this.sender.close();
  }
}
