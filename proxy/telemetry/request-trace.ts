/**
 * One client request as OpenTelemetry sees it: a server span (the client's `traceparent` its
 * parent), a client span per upstream attempt (its context sent upstream as `traceparent`), the
 * GenAI attributes and the gateway's own, and the GenAI metrics, all settled when the response
 * closes, so a stream's span ends with its last byte. Loaded with the pipeline, only when on.
 * Never an attribute with a secret or prompt text: ids, names, counts and statuses only.
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Histogram,
  type Meter,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { TelemetryPipeline } from './pipeline.js';
import { TraceBookkeeping } from './trace-bookkeeping.js';
import {
  DURATION_BUCKETS,
  OPERATION_DURATION,
  TOKEN_BUCKETS,
  TOKEN_USAGE,
  attemptAttributes,
  errorTypeOf,
  metricAttributes,
  requestAttributes,
} from './request-attributes.js';
import type { AttemptTrace, ClosedRequest, RequestTrace, TraceFactory } from './telemetry.js';
import { collectAttributes } from './otlp/attributes.js';

const propagator = new W3CTraceContextPropagator();
const headerGetter = {
  keys: (h: IncomingHttpHeaders) => Object.keys(h),
  get: (h: IncomingHttpHeaders, key: string) => h[key],
};

interface Instruments {
  tokens: Histogram;
  duration: Histogram;
}

function instruments(meter: Meter): Instruments {
  return {
    tokens: meter.createHistogram(TOKEN_USAGE.name, {
      unit: TOKEN_USAGE.unit,
      description: TOKEN_USAGE.description,
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    }),
    duration: meter.createHistogram(OPERATION_DURATION.name, {
      unit: OPERATION_DURATION.unit,
      description: OPERATION_DURATION.description,
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
  };
}

// The attempt's own W3C trace context, written directly (a propagator would build a context per attempt).
function traceHeaders(span: Span): Record<string, string> {
  const c = span.spanContext();
  const flags = (c.traceFlags & 1).toString(16).padStart(2, '0');
  const state = c.traceState?.serialize();
  return { traceparent: `00-${c.traceId}-${c.spanId}-${flags}`, ...(state ? { tracestate: state } : {}) };
}

class Attempt implements AttemptTrace {
  readonly headers: Record<string, string>;
  private ended = false;
  constructor(private readonly span: Span) {
    this.headers = traceHeaders(span);
  }

  answered(status: number): void {
    this.span.setAttribute('http.response.status_code', status);
    if (status >= 400) {
      this.span.setStatus({ code: SpanStatusCode.ERROR });
      this.span.setAttribute('error.type', String(status));
      this.end();
    }
  }

  failed(err: unknown): void {
    const code = (err as { code?: unknown }).code;
    this.span.setAttribute('error.type', typeof code === 'string' ? code : 'transport');
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    this.end();
  }

  cooledDown(ms: number): void {
    this.span.setAttribute('gateway.target.cooldown_ms', Math.round(ms));
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.span.end();
  }
}

class Trace extends TraceBookkeeping<Attempt> implements RequestTrace {
  private readonly span: Span;
  private readonly context: Context;

  constructor(
    private readonly tracer: Tracer,
    private readonly instruments: Instruments,
    headers: IncomingHttpHeaders,
    method: string,
    url: string,
  ) {
    super(url);
    const parent = headers.traceparent ? propagator.extract(ROOT_CONTEXT, headers, headerGetter) : ROOT_CONTEXT;
    const path = url.split('?')[0] ?? url;
    this.span = tracer.startSpan(
      `${method} ${path}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': path } },
      parent,
    );
    this.context = trace.setSpan(parent, this.span);
  }

  attempt(target: { upstream: string; deployment: string; key: string }): AttemptTrace {
    const operation = this.operation ?? 'call';
    const span = this.tracer.startSpan(
      `${operation} ${target.deployment}`,
      {
        kind: SpanKind.CLIENT,
        attributes: collectAttributes((sink) => attemptAttributes(operation, target, this.attempts.length + 1, sink)),
      },
      this.context,
    );
    const a = new Attempt(span);
    this.addAttempt(a);
    return a;
  }

  skippedTarget(target: string, waitMs: number): void {
    this.skipped++;
    this.span.addEvent('gateway.target.skipped', { 'gateway.target': target, 'gateway.target.wait_ms': waitMs });
  }

  close(done: ClosedRequest): void {
    const { operation } = this;
    const { acc } = done;
    const errorType = errorTypeOf(done, this.errorType);
    // A span the sampler dropped records nothing: skip building its attributes (metrics still count it).
    if (this.span.isRecording()) {
      const counts = this.counts();
      this.span.setAttributes(
        collectAttributes((sink) => requestAttributes(done, this.meta, counts, operation, errorType, sink)),
      );
      if (operation && acc.model) this.span.updateName(`${operation} ${acc.model}`);
      if (errorType && (done.status === 0 || done.status >= 500)) this.span.setStatus({ code: SpanStatusCode.ERROR });
    }
    for (const a of this.attempts) a.end();
    this.span.end();
    if (!operation) return;
    const metricAttrs: Attributes = metricAttributes(done, this.meta, operation, errorType);
    this.instruments.duration.record(done.latencyMs / 1000, metricAttrs);
    if (acc.tokens) {
      this.instruments.tokens.record(acc.tokens.prompt, { ...metricAttrs, 'gen_ai.token.type': 'input' });
      this.instruments.tokens.record(acc.tokens.completion, { ...metricAttrs, 'gen_ai.token.type': 'output' });
    }
  }
}

/** The factory of request traces on `pipeline`. */
export function traceFactory(pipeline: TelemetryPipeline): TraceFactory {
  const inst = instruments(pipeline.meter);
  return (headers, method, url) => new Trace(pipeline.tracer, inst, headers, method, url);
}
