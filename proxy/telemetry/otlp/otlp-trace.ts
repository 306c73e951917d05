/**
 * A client request's trace on the OTLP path: the same spans, attributes and metrics as the SDK
 * path (request-trace.ts; docs/telemetry.md, "What is sent"). On the request path it only notes
 * times, ids and what happened; when the response closes it is handed to the exporter, which
 * builds its spans and attributes, encodes them and counts the metrics later, in a run with other
 * requests' (otlp-pipeline.ts, `defer`). A trace the sampler drops (sampler.ts; by default, one
 * whose caller's `traceparent` says unsampled) records no span, its context still goes upstream
 * marked unsampled, and the metrics still count the request.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { TraceBookkeeping } from '../trace-bookkeeping.js';
import {
  DURATION_BUCKETS,
  OPERATION_DURATION,
  TOKEN_BUCKETS,
  TOKEN_USAGE,
  attemptAttributes,
  errorTypeOf,
  metricAttributes,
  requestAttributes,
} from '../request-attributes.js';
import type { AttemptTrace, ClosedRequest, RequestTrace, TraceFactory } from '../telemetry.js';
import type { Histogram } from './histograms.js';
import type { Deferred, OtlpPipeline } from './otlp-pipeline.js';
import { SPAN_KIND, STATUS, nowMs, type SpanEvent, type SpanRecord } from './span-record.js';
import type { Sampler } from './sampler.js';
import { newSpanId, newTraceId, parseTraceparent } from './trace-ids.js';

interface Instruments {
  tokens: Histogram;
  duration: Histogram;
}

type Target = { upstream: string; deployment: string; key: string };

class Attempt implements AttemptTrace {
  readonly headers: Record<string, string>;
  readonly spanId = newSpanId();
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
    traceId: string,
    traceState: string,
    recording: boolean,
  ) {
    this.headers = { traceparent: `00-${traceId}-${this.spanId}-${recording ? '01' : '00'}` };
    if (traceState) this.headers.tracestate = traceState;
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

  end(): void {
    if (this.endMs === 0) this.endMs = nowMs();
  }

  /** The span of this try, child of `parent`'s. */
  span(parent: SpanRecord, operation: string, n: number): SpanRecord {
    const attributes = attemptAttributes(operation, this.target, n);
    let status: number = STATUS.unset;
    if (this.status) attributes['http.response.status_code'] = this.status;
    if (this.failure) {
      attributes['error.type'] = this.failure;
      status = STATUS.error;
    } else if (this.status >= 400) {
      attributes['error.type'] = String(this.status);
      status = STATUS.error;
    }
    if (this.cooldownMs >= 0) attributes['gateway.target.cooldown_ms'] = this.cooldownMs;
    return {
      traceId: parent.traceId,
      spanId: this.spanId,
      parentSpanId: parent.spanId,
      traceState: parent.traceState,
      name: `${operation} ${this.target.deployment}`,
      kind: SPAN_KIND.client,
      startMs: this.startMs,
      endMs: this.endMs,
      attributes,
      events: undefined,
      status,
      statusMessage: this.failureMessage,
    };
  }
}

class Trace extends TraceBookkeeping<Attempt> implements RequestTrace, Deferred {
  private readonly traceId: string;
  private readonly spanId = newSpanId();
  private readonly parentSpanId: string;
  private readonly traceState: string;
  private readonly recording: boolean;
  private readonly startMs = nowMs();
  private endMs = 0;
  private events: SpanEvent[] | undefined;
  private done: ClosedRequest | undefined;

  constructor(
    private readonly pipeline: OtlpPipeline,
    private readonly instruments: Instruments,
    sampler: Sampler,
    headers: IncomingHttpHeaders,
    private readonly method: string,
    private readonly url: string,
  ) {
    super(url);
    const parent =
      headers.traceparent === undefined ? undefined : parseTraceparent(headers.traceparent, headers.tracestate);
    this.traceId = parent?.traceId ?? newTraceId();
    this.parentSpanId = parent?.spanId ?? '';
    this.traceState = parent?.traceState ?? '';
    this.recording = sampler(this.traceId, parent);
  }

  attempt(target: Target): AttemptTrace {
    const a = new Attempt(target, this.traceId, this.traceState, this.recording);
    this.attempts.push(a);
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
    for (const a of this.attempts) a.end();
    this.done = done;
    this.pipeline.defer(this);
  }

  /** Records the spans and counts the metrics of the closed request (called by the exporter). */
  settle(): void {
    const done = this.done!;
    const { operation } = this;
    const errorType = errorTypeOf(done, this.errorType);
    if (this.recording) this.recordSpans(done, errorType);
    if (!operation) return;
    const { acc } = done;
    const series = metricAttributes(done, this.meta, operation, errorType);
    this.instruments.duration.record(done.latencyMs / 1000, series.key, series.attributes);
    if (acc.tokens) {
      const { key, attributes } = series;
      this.instruments.tokens.record(acc.tokens.prompt, `${key}\u0001input`, () => ({
        ...attributes(),
        'gen_ai.token.type': 'input',
      }));
      this.instruments.tokens.record(acc.tokens.completion, `${key}\u0001output`, () => ({
        ...attributes(),
        'gen_ai.token.type': 'output',
      }));
    }
  }

  private recordSpans(done: ClosedRequest, errorType: string | undefined): void {
    const { operation } = this;
    const q = this.url.indexOf('?');
    const path = q === -1 ? this.url : this.url.slice(0, q);
    const span: SpanRecord = {
      traceId: this.traceId,
      spanId: this.spanId,
      parentSpanId: this.parentSpanId,
      traceState: this.traceState,
      name: operation && done.acc.model ? `${operation} ${done.acc.model}` : `${this.method} ${path}`,
      kind: SPAN_KIND.server,
      startMs: this.startMs,
      endMs: this.endMs,
      attributes: requestAttributes(done, this.meta, this.counts(), operation, errorType, {
        'http.request.method': this.method,
        'url.path': path,
      }),
      events: this.events,
      status: errorType && (done.status === 0 || done.status >= 500) ? STATUS.error : STATUS.unset,
      statusMessage: '',
    };
    const attemptOperation = operation ?? 'call';
    for (let i = 0; i < this.attempts.length; i++)
      this.pipeline.record(this.attempts[i]!.span(span, attemptOperation, i + 1));
    this.pipeline.record(span);
  }
}

/** The factory of request traces exporting through `pipeline`, sampled as `sampler` says. */
export function otlpTraceFactory(pipeline: OtlpPipeline, sampler: Sampler): TraceFactory {
  const instruments: Instruments = {
    tokens: pipeline.histogram({ ...TOKEN_USAGE, bounds: TOKEN_BUCKETS }),
    duration: pipeline.histogram({ ...OPERATION_DURATION, bounds: DURATION_BUCKETS }),
  };
  return (headers, method, url) => new Trace(pipeline, instruments, sampler, headers, method, url);
}
