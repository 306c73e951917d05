/**
 * A client request's trace on the OTLP path: the same spans, attributes and metrics as the SDK
 * path (request-trace.ts; docs/telemetry.md, "What is sent"). On the request path it only notes
 * times, ids and what happened; when the response closes it is handed to the exporter, which
 * encodes its spans and counts the metrics later, in a run with other requests' (otlp-pipeline.ts,
 * `defer`). The trace and its attempts write their spans' attributes themselves, straight into
 * the batch (`writeAttributes`), so no attribute object is built. A trace the sampler drops
 * (sampler.ts; by default, one whose caller's `traceparent` says unsampled) records no span, its
 * context still goes upstream marked unsampled, and the metrics still count the request.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { TraceBookkeeping } from '../trace-bookkeeping.js';
import { KEY, attemptAttributes, errorTypeOf, httpAttributes, requestAttributes } from '../request-attributes.js';
import type { AttemptTrace, ClosedRequest, RequestTrace, TraceFactory } from '../telemetry.js';
import { GenAiMetrics } from './gen-ai-metrics.js';
import type { Deferred, OtlpPipeline } from './otlp-pipeline.js';
import { SPAN_KIND, STATUS, nowMs, type SpanEvent, type SpanRecord } from './span-record.js';
import type { AttributeSink, AttributeSource } from './attributes.js';
import type { Sampler } from './sampler.js';
import { lastCut, newSpanId, newTraceId, parseTraceparent } from './trace-ids.js';

type Target = { upstream: string; deployment: string; key: string };

/**
 * The span name of the last operation and subject (deployment or model) named, so a name that
 * repeats is the same string from one span to the next: the encoder's comparison with the name
 * it wrote last then finds the same reference at once, and it copies the bytes written then
 * (protobuf-writer.ts, `slotString`).
 */
class SpanName {
  private operation = '';
  private subject = '';
  private name = '';

  of(operation: string, subject: string): string {
    if (operation !== this.operation || subject !== this.subject) {
      this.operation = operation;
      this.subject = subject;
      this.name = `${operation} ${subject}`;
    }
    return this.name;
  }
}
const ATTEMPT_NAME = new SpanName();
const REQUEST_NAME = new SpanName();

class Attempt implements AttemptTrace, AttributeSource {
  readonly spanId = newSpanId();
  private readonly spanIdPool = lastCut.pool;
  private readonly spanIdAt = lastCut.at;
  readonly startMs = nowMs();
  endMs = 0;
  /** The upstream's status, 0 before (or without) an answer. */
  status = 0;
  /** Why the try failed before any answer (a transport error's code), empty otherwise. */
  failure = '';
  failureMessage = '';
  /** The cool-down this try's target was put in, -1 when none. */
  cooldownMs = -1;

  constructor(
    readonly target: Target,
    private readonly operation: string,
    /** Which try of the request this is, from 1. */
    private readonly n: number,
    private readonly traceId: string,
    private readonly traceState: string,
    private readonly recording: boolean,
  ) {}

  /**
   * The try's W3C trace context, built when the call upstream asks for it (once) rather than
   * kept: the closed trace waits for its run with no copy of it (docs/telemetry.md, "What it
   * costs").
   */
  get headers(): Record<string, string> {
    const headers: Record<string, string> = {
      traceparent: `00-${this.traceId}-${this.spanId}-${this.recording ? '01' : '00'}`,
    };
    if (this.traceState) headers.tracestate = this.traceState;
    return headers;
  }

  answered(status: number): void {
    this.status = status;
    if (status >= 400) this.end();
  }

  failed(err: unknown): void {
    const code = (err as { code?: unknown }).code;
    this.failure = typeof code === 'string' ? code : 'transport';
    this.failureMessage = err instanceof Error ? err.message : String(err);
    this.end();
  }

  cooledDown(ms: number): void {
    this.cooldownMs = Math.round(ms);
  }

  end(at = nowMs()): void {
    if (this.endMs === 0) this.endMs = at;
  }

  /** The span of this try, child of `parent`'s; its attributes are written by `writeAttributes`. */
  span(parent: SpanRecord): SpanRecord {
    return {
      traceId: parent.traceId,
      spanId: this.spanId,
      parentSpanId: parent.spanId,
      traceIdPool: parent.traceIdPool,
      traceIdAt: parent.traceIdAt,
      spanIdPool: this.spanIdPool,
      spanIdAt: this.spanIdAt,
      parentIdPool: parent.spanIdPool,
      parentIdAt: parent.spanIdAt,
      traceState: parent.traceState,
      name: ATTEMPT_NAME.of(this.operation, this.target.deployment),
      kind: SPAN_KIND.client,
      startMs: this.startMs,
      endMs: this.endMs,
      attributes: this,
      events: undefined,
      status: this.failure || this.status >= 400 ? STATUS.error : STATUS.unset,
      statusMessage: this.failureMessage,
    };
  }

  writeAttributes(sink: AttributeSink): void {
    attemptAttributes(this.operation, this.target, this.n, sink);
    if (this.status) sink.attr(KEY.statusCode, this.status);
    if (this.failure) sink.attr(KEY.errorType, this.failure);
    else if (this.status >= 400) sink.attr(KEY.errorType, String(this.status));
    if (this.cooldownMs >= 0) sink.attr(KEY.cooldownMs, this.cooldownMs);
  }
}

class Trace extends TraceBookkeeping<Attempt> implements RequestTrace, Deferred, AttributeSource {
  private readonly traceId: string;
  private readonly traceIdPool: Uint8Array | undefined;
  private readonly traceIdAt: number;
  private readonly spanId = newSpanId();
  private readonly spanIdPool = lastCut.pool;
  private readonly spanIdAt = lastCut.at;
  private readonly parentSpanId: string;
  private readonly traceState: string;
  private readonly recording: boolean;
  private readonly startMs = nowMs();
  private endMs = 0;
  private events: SpanEvent[] | undefined;
  private done: ClosedRequest | undefined;
  // Set when the trace is settled, for writeAttributes.
  private path = '';
  private endErrorType: string | undefined;

  constructor(
    private readonly pipeline: OtlpPipeline,
    private readonly metrics: GenAiMetrics,
    sampler: Sampler,
    headers: IncomingHttpHeaders,
    private readonly method: string,
    private readonly url: string,
  ) {
    super(url);
    const parent =
      headers.traceparent === undefined ? undefined : parseTraceparent(headers.traceparent, headers.tracestate);
    if (parent) {
      this.traceId = parent.traceId;
      this.traceIdPool = undefined;
      this.traceIdAt = 0;
    } else {
      this.traceId = newTraceId();
      this.traceIdPool = lastCut.pool;
      this.traceIdAt = lastCut.at;
    }
    this.parentSpanId = parent?.spanId ?? '';
    this.traceState = parent?.traceState ?? '';
    this.recording = sampler(this.traceId, parent);
  }

  attempt(target: Target): AttemptTrace {
    const n = this.attempts.length + 1;
    const a = new Attempt(target, this.operation ?? 'call', n, this.traceId, this.traceState, this.recording);
    this.addAttempt(a);
    return a;
  }

  skippedTarget(target: string, waitMs: number): void {
    this.skipped++;
    (this.events ??= []).push({
      name: 'gateway.target.skipped',
      atMs: nowMs(),
      attributes: { 'gateway.target': target, 'gateway.target.wait_ms': waitMs },
    });
  }

  close(done: ClosedRequest): void {
    this.endMs = nowMs();
    for (const a of this.attempts) a.end(this.endMs);
    this.done = done;
    this.pipeline.defer(this);
  }

  /** Records the spans and counts the metrics of the closed request (called by the exporter). */
  settle(): void {
    const done = this.done!;
    const { operation } = this;
    const errorType = errorTypeOf(done, this.errorType);
    if (this.recording) this.recordSpans(done, errorType);
    if (operation) this.metrics.record(done, this.meta, operation, errorType);
  }

  private recordSpans(done: ClosedRequest, errorType: string | undefined): void {
    const { operation } = this;
    const q = this.url.indexOf('?');
    this.path = q === -1 ? this.url : this.url.slice(0, q);
    this.endErrorType = errorType;
    const span: SpanRecord = {
      traceId: this.traceId,
      spanId: this.spanId,
      parentSpanId: this.parentSpanId,
      traceIdPool: this.traceIdPool,
      traceIdAt: this.traceIdAt,
      spanIdPool: this.spanIdPool,
      spanIdAt: this.spanIdAt,
      parentIdPool: undefined,
      parentIdAt: 0,
      traceState: this.traceState,
      name: operation && done.acc.model ? REQUEST_NAME.of(operation, done.acc.model) : `${this.method} ${this.path}`,
      kind: SPAN_KIND.server,
      startMs: this.startMs,
      endMs: this.endMs,
      attributes: this,
      events: this.events,
      status: errorType && (done.status === 0 || done.status >= 500) ? STATUS.error : STATUS.unset,
      statusMessage: '',
    };
    for (const a of this.attempts) this.pipeline.record(a.span(span));
    this.pipeline.record(span);
  }

  writeAttributes(sink: AttributeSink): void {
    httpAttributes(this.method, this.path, sink);
    requestAttributes(this.done!, this.meta, this.counts(), this.operation, this.endErrorType, sink);
  }
}

/** The factory of request traces exporting through `pipeline`, sampled as `sampler` says. */
export function otlpTraceFactory(pipeline: OtlpPipeline, sampler: Sampler): TraceFactory {
  const metrics = new GenAiMetrics(pipeline);
  return (headers, method, url) => new Trace(pipeline, metrics, sampler, headers, method, url);
}
