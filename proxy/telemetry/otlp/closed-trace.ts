/**
 * A closed request's spans and metrics, on the exporter's thread (otlp-worker.ts): the request's
 * span with a child per upstream try, handed to the pipeline, which encodes them at once, and the
 * GenAI histograms counted (docs/telemetry.md, "What is sent"). Each span's attributes are
 * written straight into the batch (`writeAttributes`), so no attribute object is built, and the
 * span records are filled again for every span rather than made.
 */
import {
  KEY,
  attemptAttributes,
  errorTypeOf,
  httpAttributes,
  requestAttributes,
  type TraceCounts,
} from '../request-attributes.js';
import type { AttributeSink, AttributeSource } from './attributes.js';
import type { GenAiMetrics } from './gen-ai-metrics.js';
import type { OtlpPipeline } from './otlp-pipeline.js';
import { SPAN_KIND, STATUS, emptySpan, type SpanRecord } from './span-record.js';
import type { AttemptNotes, ClosedTrace } from './trace-notes.js';

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

// An upstream try's attributes, written when its span is encoded: one object, pointed at each
// try in turn (the encoder is done with a span before the next is built).
class AttemptAttributes implements AttributeSource {
  a: AttemptNotes | undefined = undefined;
  operation = '';
  n = 0;

  writeAttributes(sink: AttributeSink): void {
    const a = this.a!;
    attemptAttributes(this.operation, a.target, this.n, sink);
    if (a.status) sink.attr(KEY.statusCode, a.status);
    if (a.failure) sink.attr(KEY.errorType, a.failure);
    else if (a.status >= 400) sink.attr(KEY.errorType, String(a.status));
    if (a.cooldownMs >= 0) sink.attr(KEY.cooldownMs, a.cooldownMs);
  }
}

// A request's attributes, written when its span is encoded (one object, as above).
class RequestAttributes implements AttributeSource {
  t: ClosedTrace | undefined = undefined;
  path = '';
  errorType: string | undefined = undefined;
  private readonly counts: TraceCounts = { attempts: 0, skipped: 0, cooldowns: 0, limit: undefined };

  writeAttributes(sink: AttributeSink): void {
    const t = this.t!;
    httpAttributes(t.method, this.path, sink);
    const { counts } = this;
    counts.attempts = t.attempts.length;
    counts.skipped = t.skipped;
    counts.cooldowns = t.cooldowns;
    counts.limit = t.limit;
    requestAttributes(t.done, t.meta, counts, t.operation, this.errorType, sink);
  }
}

const REQUEST_ATTRIBUTES = new RequestAttributes();
const ATTEMPT_ATTRIBUTES = new AttemptAttributes();

// The span records handed to the pipeline, filled again for every span: the encoder writes a
// record into its batch when it is recorded and keeps nothing of it (otlp-protobuf.ts,
// otlp-json.ts).
const REQUEST_SPAN = emptySpan(SPAN_KIND.server, REQUEST_ATTRIBUTES);
const ATTEMPT_SPAN = emptySpan(SPAN_KIND.client, ATTEMPT_ATTRIBUTES);

/** Records the spans of closed trace `t` into `pipeline` and counts it into `metrics`. */
export function settleTrace(t: ClosedTrace, pipeline: OtlpPipeline, metrics: GenAiMetrics): void {
  const errorType = errorTypeOf(t.done, t.errorType);
  if (t.recording) recordSpans(t, errorType, pipeline);
  if (t.operation) metrics.record(t.done, t.meta, t.operation, errorType);
}

// Puts `span` in the trace of `t`.
function inTrace(span: SpanRecord, t: ClosedTrace): void {
  span.traceId = t.traceId;
  span.traceIdPool = t.traceIdPool;
  span.traceIdAt = t.traceIdAt;
  span.traceState = t.traceState;
}

// The tries' spans first, then the request's, as they end.
function recordSpans(t: ClosedTrace, errorType: string | undefined, pipeline: OtlpPipeline): void {
  const { operation, done } = t;
  const q = t.url.indexOf('?');
  const path = q === -1 ? t.url : t.url.slice(0, q);
  const attemptOperation = operation ?? 'call';
  const a = ATTEMPT_SPAN;
  inTrace(a, t);
  a.parentSpanId = t.spanId;
  a.parentIdPool = t.spanIdPool;
  a.parentIdAt = t.spanIdAt;
  ATTEMPT_ATTRIBUTES.operation = attemptOperation;
  for (let i = 0; i < t.attempts.length; i++) {
    const attempt = t.attempts[i]!;
    a.spanId = attempt.spanId;
    a.spanIdPool = attempt.spanIdPool;
    a.spanIdAt = attempt.spanIdAt;
    a.name = ATTEMPT_NAME.of(attemptOperation, attempt.target.deployment);
    a.startMs = attempt.startMs;
    a.endMs = attempt.endMs;
    a.status = attempt.failure || attempt.status >= 400 ? STATUS.error : STATUS.unset;
    a.statusMessage = attempt.failureMessage;
    ATTEMPT_ATTRIBUTES.a = attempt;
    ATTEMPT_ATTRIBUTES.n = i + 1;
    pipeline.record(a);
  }
  const r = REQUEST_SPAN;
  inTrace(r, t);
  r.spanId = t.spanId;
  r.spanIdPool = t.spanIdPool;
  r.spanIdAt = t.spanIdAt;
  r.parentSpanId = t.parentSpanId;
  r.parentIdPool = t.parentIdPool;
  r.parentIdAt = t.parentIdAt;
  r.name = operation && done.acc.model ? REQUEST_NAME.of(operation, done.acc.model) : `${t.method} ${path}`;
  r.startMs = t.startMs;
  r.endMs = t.endMs;
  r.events = t.events;
  r.status = errorType && (done.status === 0 || done.status >= 500) ? STATUS.error : STATUS.unset;
  REQUEST_ATTRIBUTES.t = t;
  REQUEST_ATTRIBUTES.path = path;
  REQUEST_ATTRIBUTES.errorType = errorType;
  pipeline.record(r);
}
