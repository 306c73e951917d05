/**
 * A client request's trace on the OTLP path: the same spans, attributes and metrics as the SDK
 * path (request-trace.ts; docs/telemetry.md, "What is sent"). On the request thread it only notes
 * times, ids and what happened; when the response closes it is written into the run of closed
 * traces bound for the exporter's thread (trace-notes.ts, otlp-thread.ts), which builds, encodes
 * and sends its spans and counts its metrics there (closed-trace.ts). A trace the sampler drops
 * (sampler.ts; by default, one whose caller's `traceparent` says unsampled) records no span, its
 * context still goes upstream marked unsampled, and the metrics still count the request.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { TraceBookkeeping } from '../trace-bookkeeping.js';
import type { AttemptTrace, ClosedRequest, RequestTrace, TraceFactory } from '../telemetry.js';
import { nowMs, type SpanEvent } from './span-record.js';
import type { Sampler } from './sampler.js';
import type { AttemptNotes, TraceNotes } from './trace-notes.js';
import { lastCut, newSpanId, newTraceId, parseTraceparent } from './trace-ids.js';

type Target = { upstream: string; deployment: string; key: string };

/** Where closed traces go: the exporter's thread (otlp-thread.ts). */
export interface ClosedTraceSink {
  closed(trace: TraceNotes, done: ClosedRequest): void;
}

class Attempt implements AttemptTrace, AttemptNotes {
  readonly spanId = newSpanId();
  readonly spanIdPool = lastCut.pool;
  readonly spanIdAt = lastCut.at;
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
    private readonly traceId: string,
    private readonly traceState: string,
    private readonly recording: boolean,
  ) {}

  /**
   * The try's W3C trace context, built when the call upstream asks for it (once) rather than
   * kept while the trace is open (docs/telemetry.md, "What it costs").
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
}

class Trace extends TraceBookkeeping<Attempt> implements RequestTrace, TraceNotes {
  readonly traceId: string;
  readonly traceIdPool: Uint8Array | undefined;
  readonly traceIdAt: number;
  readonly spanId = newSpanId();
  readonly spanIdPool = lastCut.pool;
  readonly spanIdAt = lastCut.at;
  readonly parentSpanId: string;
  // A caller's span id has hex digits only.
  readonly parentIdPool = undefined;
  readonly parentIdAt = 0;
  readonly traceState: string;
  readonly recording: boolean;
  readonly startMs = nowMs();
  endMs = 0;
  events: SpanEvent[] | undefined;

  constructor(
    private readonly sink: ClosedTraceSink,
    sampler: Sampler,
    headers: IncomingHttpHeaders,
    readonly method: string,
    readonly url: string,
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
    const a = new Attempt(target, this.traceId, this.traceState, this.recording);
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
    this.sink.closed(this, done);
  }
}

/** The factory of request traces handed to `sink` when closed, sampled as `sampler` says. */
export function otlpTraceFactory(sink: ClosedTraceSink, sampler: Sampler): TraceFactory {
  return (headers, method, url) => new Trace(sink, sampler, headers, method, url);
}
