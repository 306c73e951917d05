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
import { GEN_AI_PROVIDER, GEN_AI_SYSTEM, noteAnswer, operationOf, type AnswerMeta } from './gen-ai.js';
import type { AttemptTrace, ClosedRequest, RequestTrace, TraceFactory } from './telemetry.js';

const propagator = new W3CTraceContextPropagator();
const headerGetter = {
  keys: (h: IncomingHttpHeaders) => Object.keys(h),
  get: (h: IncomingHttpHeaders, key: string) => h[key],
};

// The semantic conventions' advised buckets for these two histograms.
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

interface Instruments {
  tokens: Histogram;
  duration: Histogram;
}

function instruments(meter: Meter): Instruments {
  return {
    tokens: meter.createHistogram('gen_ai.client.token.usage', {
      unit: '{token}',
      description: 'Tokens used per request, by gen_ai.token.type (input, output)',
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    }),
    duration: meter.createHistogram('gen_ai.client.operation.duration', {
      unit: 's',
      description: 'Duration of a request through the gateway, stream included',
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

class Trace implements RequestTrace {
  private readonly span: Span;
  private readonly context: Context;
  private readonly attempts: Attempt[] = [];
  private readonly meta: AnswerMeta = { finishReasons: [] };
  private skipped = 0;
  private cooldowns = 0;
  private limit: string | undefined;
  private errorType: string | undefined;

  constructor(
    private readonly tracer: Tracer,
    private readonly instruments: Instruments,
    headers: IncomingHttpHeaders,
    method: string,
    private readonly url: string,
  ) {
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
    const operation = operationOf(this.url) ?? 'call';
    const span = this.tracer.startSpan(
      `${operation} ${target.deployment}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': operation,
          'gen_ai.system': GEN_AI_SYSTEM,
          'gen_ai.provider.name': GEN_AI_PROVIDER,
          'gen_ai.request.model': target.deployment,
          'gateway.upstream': target.upstream,
          'gateway.target': target.key,
          'gateway.attempt': this.attempts.length + 1,
        },
      },
      this.context,
    );
    const a = new Attempt(span);
    this.attempts.push(a);
    return a;
  }

  skippedTarget(target: string, waitMs: number): void {
    this.skipped++;
    this.span.addEvent('gateway.target.skipped', { 'gateway.target': target, 'gateway.target.wait_ms': waitMs });
  }

  cooledDown(ms: number): void {
    this.cooldowns++;
    this.attempts[this.attempts.length - 1]?.cooledDown(ms);
  }

  answer(json: unknown): void {
    noteAnswer(this.meta, json);
  }

  refused(err: unknown): void {
    const e = err as { code?: unknown; gatewayLimit?: unknown };
    if (typeof e.gatewayLimit === 'string') this.limit = e.gatewayLimit;
    if (typeof e.code === 'string') this.errorType = e.code;
  }

  private describe(done: ClosedRequest, operation: string | undefined, errorType: string | undefined): void {
    const { acc } = done;
    this.span.setAttributes({
      'gen_ai.system': GEN_AI_SYSTEM,
      'gen_ai.provider.name': GEN_AI_PROVIDER,
      ...(operation ? { 'gen_ai.operation.name': operation } : {}),
      ...(acc.model ? { 'gen_ai.request.model': acc.model } : {}),
      ...(this.meta.responseModel ? { 'gen_ai.response.model': this.meta.responseModel } : {}),
      'http.response.status_code': done.status,
      'gateway.key.id': done.keyId,
      'gateway.attempts': this.attempts.length,
      ...(done.team ? { 'gateway.team': done.team } : {}),
      ...(acc.target ? { 'gateway.target': acc.target } : {}),
      ...(this.meta.responseId ? { 'gen_ai.response.id': this.meta.responseId } : {}),
      ...(this.meta.finishReasons.length ? { 'gen_ai.response.finish_reasons': this.meta.finishReasons } : {}),
      ...(acc.tokens
        ? { 'gen_ai.usage.input_tokens': acc.tokens.prompt, 'gen_ai.usage.output_tokens': acc.tokens.completion }
        : {}),
      ...(this.skipped ? { 'gateway.targets_skipped': this.skipped } : {}),
      ...(this.cooldowns ? { 'gateway.cooldowns': this.cooldowns } : {}),
      ...(this.limit ? { 'gateway.limit': this.limit } : {}),
    });
    if (operation && acc.model) this.span.updateName(`${operation} ${acc.model}`);
    if (errorType) {
      this.span.setAttribute('error.type', errorType);
      if (done.status === 0 || done.status >= 500) this.span.setStatus({ code: SpanStatusCode.ERROR });
    }
  }

  close(done: ClosedRequest): void {
    const operation = operationOf(this.url);
    const { acc } = done;
    const errorType =
      done.status === 0 ? 'client_aborted' : done.status >= 400 ? (this.errorType ?? String(done.status)) : undefined;
    // A span the sampler dropped records nothing: skip building its attributes (metrics still count it).
    if (this.span.isRecording()) this.describe(done, operation, errorType);
    for (const a of this.attempts) a.end();
    this.span.end();
    if (!operation) return;
    // Fewer attributes than the span: each metric record hashes its attribute set.
    const metricAttrs: Attributes = {
      'gen_ai.provider.name': GEN_AI_PROVIDER,
      'gen_ai.operation.name': operation,
      ...(acc.model ? { 'gen_ai.request.model': acc.model } : {}),
      ...(this.meta.responseModel ? { 'gen_ai.response.model': this.meta.responseModel } : {}),
      ...(acc.target ? { 'gateway.target': acc.target } : {}),
      ...(errorType ? { 'error.type': errorType } : {}),
    };
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
