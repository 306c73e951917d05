/**
 * A client request's trace on the OTLP path: the same spans, attributes and metrics as the SDK
 * path (request-trace.ts; docs/telemetry.md, "What is sent"), kept as plain records and handed
 * to the OTLP exporter when the response closes. A trace the sampler drops (sampler.ts; by
 * default, one whose caller's `traceparent` says unsampled) records no span, its context still
 * goes upstream marked unsampled, and the metrics still count the request.
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
import type { OtlpPipeline } from './otlp-pipeline.js';
import { SPAN_KIND, STATUS, nowMs, type SpanRecord } from './span-record.js';
import type { Sampler } from './sampler.js';
import { newSpanId, newTraceId, parseTraceparent } from './trace-ids.js';

interface Instruments {
  tokens: Histogram;
  duration: Histogram;
}

class Attempt implements AttemptTrace {
  readonly headers: Record<string, string>;
  private ended = false;

  constructor(
    private readonly pipeline: OtlpPipeline,
    private readonly span: SpanRecord,
    private readonly recording: boolean,
  ) {
    this.headers = {
      traceparent: `00-${span.traceId}-${span.spanId}-${recording ? '01' : '00'}`,
    };
    if (span.traceState) this.headers.tracestate = span.traceState;
  }

  answered(status: number): void {
    this.span.attributes['http.response.status_code'] = status;
    if (status >= 400) {
      this.span.status = STATUS.error;
      this.span.attributes['error.type'] = String(status);
      this.end();
    }
  }

  failed(err: unknown): void {
    const code = (err as { code?: unknown }).code;
    this.span.attributes['error.type'] = typeof code === 'string' ? code : 'transport';
    this.span.status = STATUS.error;
    this.span.statusMessage = err instanceof Error ? err.message : String(err);
    this.end();
  }

  cooledDown(ms: number): void {
    this.span.attributes['gateway.target.cooldown_ms'] = Math.round(ms);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.span.endMs = nowMs();
    if (this.recording) this.pipeline.record(this.span);
  }
}

class Trace extends TraceBookkeeping<Attempt> implements RequestTrace {
  private readonly span: SpanRecord;
  private readonly recording: boolean;

  constructor(
    private readonly pipeline: OtlpPipeline,
    private readonly instruments: Instruments,
    sampler: Sampler,
    headers: IncomingHttpHeaders,
    method: string,
    url: string,
  ) {
    super(url);
    const parent = parseTraceparent(headers.traceparent, headers.tracestate);
    const traceId = parent?.traceId ?? newTraceId();
    this.recording = sampler(traceId, parent);
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    this.span = {
      traceId,
      spanId: newSpanId(),
      parentSpanId: parent?.spanId ?? '',
      traceState: parent?.traceState ?? '',
      name: `${method} ${path}`,
      kind: SPAN_KIND.server,
      startMs: nowMs(),
      endMs: 0,
      attributes: { 'http.request.method': method, 'url.path': path },
      events: undefined,
      status: STATUS.unset,
      statusMessage: '',
    };
  }

  attempt(target: { upstream: string; deployment: string; key: string }): AttemptTrace {
    const operation = this.operation ?? 'call';
    const span: SpanRecord = {
      traceId: this.span.traceId,
      spanId: newSpanId(),
      parentSpanId: this.span.spanId,
      traceState: this.span.traceState,
      name: `${operation} ${target.deployment}`,
      kind: SPAN_KIND.client,
      startMs: nowMs(),
      endMs: 0,
      attributes: attemptAttributes(operation, target, this.attempts.length + 1),
      events: undefined,
      status: STATUS.unset,
      statusMessage: '',
    };
    const a = new Attempt(this.pipeline, span, this.recording);
    this.attempts.push(a);
    return a;
  }

  skippedTarget(target: string, waitMs: number): void {
    this.skipped++;
    (this.span.events ??= []).push({
      name: 'gateway.target.skipped',
      atMs: nowMs(),
      attributes: { 'gateway.target': target, 'gateway.target.wait_ms': waitMs },
    });
  }

  close(done: ClosedRequest): void {
    const { operation } = this;
    const { acc } = done;
    const errorType = errorTypeOf(done, this.errorType);
    for (const a of this.attempts) a.end();
    if (this.recording) {
      requestAttributes(done, this.meta, this.counts(), operation, errorType, this.span.attributes);
      if (operation && acc.model) this.span.name = `${operation} ${acc.model}`;
      if (errorType && (done.status === 0 || done.status >= 500)) this.span.status = STATUS.error;
      this.span.endMs = nowMs();
      this.pipeline.record(this.span);
    }
    if (!operation) return;
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
}

/** The factory of request traces exporting through `pipeline`, sampled as `sampler` says. */
export function otlpTraceFactory(pipeline: OtlpPipeline, sampler: Sampler): TraceFactory {
  const instruments: Instruments = {
    tokens: pipeline.histogram({ ...TOKEN_USAGE, bounds: TOKEN_BUCKETS }),
    duration: pipeline.histogram({ ...OPERATION_DURATION, bounds: DURATION_BUCKETS }),
  };
  return (headers, method, url) => new Trace(pipeline, instruments, sampler, headers, method, url);
}
