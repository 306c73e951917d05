/**
 * A closed request's spans and metrics, on the exporter's thread (otlp-worker.ts): the request's
 * span with a child per upstream try, handed to the pipeline, which encodes them at once, and the
 * GenAI histograms counted (docs/telemetry.md, "What is sent"). Each span writes its attributes
 * itself, straight into the batch (`writeAttributes`), so no attribute object is built.
 */
import { KEY, attemptAttributes, errorTypeOf, httpAttributes, requestAttributes } from '../request-attributes.js';
import type { AttributeSink, AttributeSource } from './attributes.js';
import type { GenAiMetrics } from './gen-ai-metrics.js';
import type { OtlpPipeline } from './otlp-pipeline.js';
import { SPAN_KIND, STATUS, type SpanRecord } from './span-record.js';
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

// An upstream try's attributes, written when its span is encoded.
class AttemptAttributes implements AttributeSource {
  constructor(
    private readonly a: AttemptNotes,
    private readonly operation: string,
    private readonly n: number,
  ) {}

  writeAttributes(sink: AttributeSink): void {
    const { a } = this;
    attemptAttributes(this.operation, a.target, this.n, sink);
    if (a.status) sink.attr(KEY.statusCode, a.status);
    if (a.failure) sink.attr(KEY.errorType, a.failure);
    else if (a.status >= 400) sink.attr(KEY.errorType, String(a.status));
    if (a.cooldownMs >= 0) sink.attr(KEY.cooldownMs, a.cooldownMs);
  }
}

// A request's attributes, written when its span is encoded.
class RequestAttributes implements AttributeSource {
  constructor(
    private readonly t: ClosedTrace,
    private readonly path: string,
    private readonly errorType: string | undefined,
  ) {}

  writeAttributes(sink: AttributeSink): void {
    const { t } = this;
    httpAttributes(t.method, this.path, sink);
    const counts = { attempts: t.attempts.length, skipped: t.skipped, cooldowns: t.cooldowns, limit: t.limit };
    requestAttributes(t.done, t.meta, counts, t.operation, this.errorType, sink);
  }
}

/** Records the spans of closed trace `t` into `pipeline` and counts it into `metrics`. */
export function settleTrace(t: ClosedTrace, pipeline: OtlpPipeline, metrics: GenAiMetrics): void {
  const errorType = errorTypeOf(t.done, t.errorType);
  if (t.recording) recordSpans(t, errorType, pipeline);
  if (t.operation) metrics.record(t.done, t.meta, t.operation, errorType);
}

function recordSpans(t: ClosedTrace, errorType: string | undefined, pipeline: OtlpPipeline): void {
  const { operation, done } = t;
  const q = t.url.indexOf('?');
  const path = q === -1 ? t.url : t.url.slice(0, q);
  const span: SpanRecord = {
    traceId: t.traceId,
    spanId: t.spanId,
    parentSpanId: t.parentSpanId,
    traceIdPool: t.traceIdPool,
    traceIdAt: t.traceIdAt,
    spanIdPool: t.spanIdPool,
    spanIdAt: t.spanIdAt,
    parentIdPool: t.parentIdPool,
    parentIdAt: t.parentIdAt,
    traceState: t.traceState,
    name: operation && done.acc.model ? REQUEST_NAME.of(operation, done.acc.model) : `${t.method} ${path}`,
    kind: SPAN_KIND.server,
    startMs: t.startMs,
    endMs: t.endMs,
    attributes: new RequestAttributes(t, path, errorType),
    events: t.events,
    status: errorType && (done.status === 0 || done.status >= 500) ? STATUS.error : STATUS.unset,
    statusMessage: '',
  };
  const attemptOperation = operation ?? 'call';
  t.attempts.forEach((a, i) => pipeline.record(attemptSpan(a, attemptOperation, i + 1, span)));
  pipeline.record(span);
}

// The span of try `n`, child of the request's span `parent`.
function attemptSpan(a: AttemptNotes, operation: string, n: number, parent: SpanRecord): SpanRecord {
  return {
    traceId: parent.traceId,
    spanId: a.spanId,
    parentSpanId: parent.spanId,
    traceIdPool: parent.traceIdPool,
    traceIdAt: parent.traceIdAt,
    spanIdPool: a.spanIdPool,
    spanIdAt: a.spanIdAt,
    parentIdPool: parent.spanIdPool,
    parentIdAt: parent.spanIdAt,
    traceState: parent.traceState,
    name: ATTEMPT_NAME.of(operation, a.target.deployment),
    kind: SPAN_KIND.client,
    startMs: a.startMs,
    endMs: a.endMs,
    attributes: new AttemptAttributes(a, operation, n),
    events: undefined,
    status: a.failure || a.status >= 400 ? STATUS.error : STATUS.unset,
    statusMessage: a.failureMessage,
  };
}
