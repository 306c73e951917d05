/**
 * Span attributes on the OTLP path: their names as keys found by index, the sinks they are
 * written into (the protobuf batch's buffer, a JSON array, an object for the SDK path), and the
 * runs of attributes an encoder may copy whole (docs/telemetry.md, "What it costs").
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
  /**
   * False for an attribute whose value differs on nearly every span (a response id): an encoder
   * does not keep its values to copy them later.
   */
  readonly repeats: boolean;
}

// Names seen so far; bounded, though the names are a fixed set in practice.
const KEYS = new Map<string, AttributeKey>();
const MAX_KEYS = 1024;

/**
 * The key of attribute `name`, the same object every time (past MAX_KEYS names, a new one);
 * `repeats` is taken from the first call for a name.
 */
export function attributeKey(name: string, repeats = true): AttributeKey {
  let key = KEYS.get(name);
  if (key) return key;
  if (KEYS.size >= MAX_KEYS) return { name, id: -1, repeats };
  key = { name, id: KEYS.size, repeats };
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
