/**
 * What the OTLP path hands its encoder for one span: plain fields and the source of its
 * attributes, which writes them into the encoder's buffer, so that recording a request costs a
 * couple of small objects (docs/telemetry.md, "What it costs").
 */

import type { AttributeSource, Attrs } from './attributes.js';

/** OTLP's span kinds that this gateway uses. */
export const SPAN_KIND = { server: 2, client: 3 } as const;

/** OTLP's status codes. */
export const STATUS = { unset: 0, ok: 1, error: 2 } as const;

/** A timestamped event on a span. */
export interface SpanEvent {
  name: string;
  atMs: number;
  attributes: Attrs;
}

/**
 * One finished span. Times are epoch milliseconds with a fraction (`nowMs`). Every field is always
 * present (empty when unused), so every record has the same shape and V8 keeps the code that
 * builds and encodes them fast.
 */
export interface SpanRecord {
  /** Ids as hex digits; empty where the bytes are given and the encoder copies them (protobuf). */
  traceId: string;
  spanId: string;
  /** Empty for a root span, or when its bytes are given. */
  parentSpanId: string;
  /**
   * Where each id's bytes are (the run of closed traces it crossed in, trace-notes.ts): the
   * buffer and the offset, so the protobuf encoder copies them; no buffer for an id given as hex
   * digits only, which the encoder decodes. A root span has no parent id at all.
   */
  traceIdPool: Uint8Array | undefined;
  traceIdAt: number;
  spanIdPool: Uint8Array | undefined;
  spanIdAt: number;
  parentIdPool: Uint8Array | undefined;
  parentIdAt: number;
  /** The caller's `tracestate`, empty when none. */
  traceState: string;
  name: string;
  kind: number;
  startMs: number;
  endMs: number;
  attributes: AttributeSource;
  events: SpanEvent[] | undefined;
  status: number;
  /** Empty unless the span failed with a message. */
  statusMessage: string;
}

/** A span of `kind` with every field empty, to be filled in. */
export function emptySpan(kind: number, attributes: AttributeSource): SpanRecord {
  return {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    traceIdPool: undefined,
    traceIdAt: 0,
    spanIdPool: undefined,
    spanIdAt: 0,
    parentIdPool: undefined,
    parentIdAt: 0,
    traceState: '',
    name: '',
    kind,
    startMs: 0,
    endMs: 0,
    attributes,
    events: undefined,
    status: STATUS.unset,
    statusMessage: '',
  };
}

const ORIGIN = performance.timeOrigin;

/** Now, in epoch milliseconds with sub-millisecond precision (monotonic within the process). */
export function nowMs(): number {
  return ORIGIN + performance.now();
}

/** Epoch milliseconds as OTLP's unsigned 64-bit nanoseconds. */
export function unixNanos(ms: number): bigint {
  const whole = Math.floor(ms);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6));
}

/**
 * Finished spans encoded as they arrive, so that none stays an object (for the garbage collector
 * to promote and trace) while its batch fills; `body` wraps them into one export request.
 */
export interface SpanBatch {
  readonly count: number;
  add(span: SpanRecord): void;
  body(origin: { resource: Attrs; scope: { name: string; version: string } }): Uint8Array;
  /** The body has been sent or given up on: its memory may be written again. */
  release(): void;
}
