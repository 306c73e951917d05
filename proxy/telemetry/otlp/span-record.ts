/**
 * What the OTLP path hands its encoder for one span: plain fields and the source of its
 * attributes, which writes them into the encoder's buffer, so that recording a request costs a
 * couple of small objects (docs/telemetry.md, "What it costs").
 */

/** An attribute value as OTLP carries it (integers as ints, other numbers as doubles). */
export type AttrValue = string | number | boolean | string[];

/** Attributes by name. */
export type Attrs = Record<string, AttrValue>;

/**
 * An attribute's name, made once by `attributeKey` and passed around by reference: an encoder
 * finds what it keeps for the name (its encoded bytes and values) by `id`, an array index,
 * instead of looking the name up for every attribute of every span.
 */
export interface AttributeKey {
  readonly name: string;
  readonly id: number;
}

// Names seen so far; bounded, though the names are a fixed set in practice.
const KEYS = new Map<string, AttributeKey>();
const MAX_KEYS = 1024;

/** The key of attribute `name`, the same object every time (past MAX_KEYS names, a new one). */
export function attributeKey(name: string): AttributeKey {
  let key = KEYS.get(name);
  if (key) return key;
  if (KEYS.size >= MAX_KEYS) return { name, id: -1 };
  key = { name, id: KEYS.size };
  KEYS.set(name, key);
  return key;
}

/**
 * Attributes that come together and whose values mostly repeat from one span to the next (names,
 * models, the key, the target, the status): an encoder may keep what it wrote for them last time
 * and copy it whole when the values are the same again (otlp-protobuf.ts). Values are compared
 * with `===`, so a run holds strings, numbers and booleans only, never an array. A run belongs to
 * one kind of span: the bytes kept are those of a span's attributes field.
 */
export class AttributeRun {
  /** The values last written and their encoded bytes, kept by the protobuf encoder. */
  lastValues: (AttrValue | undefined)[] | undefined = undefined;
  lastBytes: Uint8Array | undefined = undefined;

  constructor(readonly keys: readonly AttributeKey[]) {}
}

/** Where attributes are written: straight into an encoder's buffer, or into an object. */
export interface AttributeSink {
  attr(key: AttributeKey, value: AttrValue): void;
  /**
   * `run.keys[i]` = `values[i]` for each value that is not undefined. The caller may reuse
   * `values` once this returns.
   */
  run(run: AttributeRun, values: readonly (AttrValue | undefined)[]): void;
}

/** A run's attributes one by one, for a sink that keeps nothing between spans. */
export function writeRun(sink: AttributeSink, run: AttributeRun, values: readonly (AttrValue | undefined)[]): void {
  for (let i = 0; i < run.keys.length; i++) {
    const v = values[i];
    if (v !== undefined) sink.attr(run.keys[i]!, v);
  }
}

/**
 * What writes a span's attributes when the span is encoded: on the OTLP path the trace itself,
 * so a request builds no attribute object at all (docs/telemetry.md, "What it costs").
 */
export interface AttributeSource {
  writeAttributes(sink: AttributeSink): void;
}

/** `attrs` as an attribute source (tests build their spans' attributes as objects). */
export function attributesOf(attrs: Attrs): AttributeSource {
  return {
    writeAttributes(sink) {
      for (const key in attrs) {
        const v = attrs[key];
        if (v !== undefined) sink.attr(attributeKey(key), v);
      }
    },
  };
}

/** A sink that keeps nothing between spans: a run is written as its attributes one by one. */
export abstract class PlainAttributeSink implements AttributeSink {
  abstract attr(key: AttributeKey, value: AttrValue): void;

  run(run: AttributeRun, values: readonly (AttrValue | undefined)[]): void {
    writeRun(this, run, values);
  }
}

class ObjectSink extends PlainAttributeSink {
  readonly out: Attrs = {};

  attr(key: AttributeKey, value: AttrValue): void {
    this.out[key.name] = value;
  }
}

/** The attributes `write` writes, as an object (the SDK path's attribute objects). */
export function collectAttributes(write: (sink: AttributeSink) => void): Attrs {
  const sink = new ObjectSink();
  write(sink);
  return sink.out;
}

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
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
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
