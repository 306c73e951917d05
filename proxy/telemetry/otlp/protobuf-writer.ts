/**
 * The few protobuf wire types OTLP needs, written into one growing buffer. A nested message is
 * written in place and its length prefix inserted when it closes (one `copyWithin` of the
 * message's own bytes), so encoding a batch allocates only as the buffer grows. Short ASCII
 * strings are written byte by byte in JavaScript, ids and timestamps four bytes at a time through
 * a DataView, and attributes whose value repeats (models, targets, key ids, statuses) are copied
 * from bytes encoded once: each call into `Buffer`'s native code costs more than the few bytes it
 * writes (docs/telemetry.md, "What it costs").
 */

import type { AttributeKey } from './attributes.js';
import { HEX_DIGIT } from './trace-ids.js';

const VARINT = 0;
const FIXED64 = 1;
const LENGTH = 2;

/** How many bytes the varint of `n` takes. */
export function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

function varintBytes(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

// Encoded attribute names (length prefix and bytes), shared by every writer; bounded, though
// names are a fixed set in practice.
const CONSTANTS = new Map<string, Buffer>();

function encodedConstant(s: string): Buffer {
  let bytes = CONSTANTS.get(s);
  if (!bytes) {
    const text = Buffer.from(s, 'utf8');
    bytes = Buffer.concat([varintBytes(text.length), text]);
    if (CONSTANTS.size < 1024) CONSTANTS.set(s, bytes);
  }
  return bytes;
}

// A KeyValue's bytes (its length prefix and body, without the field tag), by key (its id) and then
// by value, for values that repeat, and the last value written, which most often is the next.
// Bounded per key, so that a key whose values repeat less than expected stops being cached once it
// has filled its share; a key whose values never repeat (a response id, `repeats` false) is never
// cached at all.
interface EncodedValues {
  byValue: Map<string | number | boolean, Uint8Array>;
  lastValue: string | number | boolean | undefined;
  lastBytes: Uint8Array;
}
const KEY_VALUES: (EncodedValues | undefined)[] = [];
// The last one-string array written per key (finish reasons: nearly always the same one) and its
// KeyValue's bytes, as in KEY_VALUES.
const LAST_ARRAYS: ({ item: string; bytes: Uint8Array } | undefined)[] = [];
// The string last written per slot and its bytes (length prefix and UTF-8), for `slotString`.
const LAST_STRINGS: ({ text: string; bytes: Uint8Array } | undefined)[] = [];
const VALUES_PER_KEY = 256;
const CACHED_STRING_MAX = 96;

// The last three ids written as hex and their bytes, replaced in turn. Ids come as hex when they
// are a caller's (a trace continued from its `traceparent`), and every span of the request writes
// the trace id again; ids this process cut are copied from their bytes instead (`idBytes`). Each
// id's first three digits are kept as a number and compared before the strings: ids are slices of
// a longer string, comparing two different slices with `===` is a call into the runtime, and two
// random ids' first digits nearly always differ.
const RECENT_IDS = {
  hex: ['', '', ''],
  head: [-1, -1, -1],
  bytes: [new Uint8Array(16), new Uint8Array(16), new Uint8Array(16)],
  next: 0,
};

// True when every character of `s` is ASCII, so its UTF-8 length is its length.
function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

// The UTF-8 length of `s`: its length when it is ASCII.
function utf8Length(s: string): number {
  return s.length < 128 && isAscii(s) ? s.length : Buffer.byteLength(s);
}

// A DataView of exactly the bytes of `bytes` (a Buffer may be a slice of a larger pool).
function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const TWO_32 = 4294967296;
const INV_2_16 = 1 / 65536;
const INV_2_32 = 1 / TWO_32;

/** A KeyValue's bytes as the caches keep them: what `write` writes as field 1, without the tag byte. */
function keyValueBytes(write: (w: ProtobufWriter) => void): Uint8Array {
  const w = new ProtobufWriter(64);
  write(w);
  return Uint8Array.prototype.slice.call(w.finish(), 1);
}

/** A protobuf message being written. */
export class ProtobufWriter {
  private buf: Buffer;
  // The same bytes as 32-bit words, for ids and timestamps: four bytes per store instead of one.
  private view: DataView;
  private pos: number;
  // The id pool last copied from (a run's ids, trace-notes.ts) and its view.
  private idPool: Uint8Array | undefined;
  private idView: DataView | undefined;

  /** A writer into a new buffer of `initial` bytes, or into `over` from byte `at` (reused memory). */
  constructor(initial = 64 * 1024, over?: Buffer, at = 0) {
    this.buf = over ?? Buffer.allocUnsafe(initial);
    this.view = viewOf(this.buf);
    this.pos = at;
  }

  /** The buffer written into (a larger one once it has grown). */
  get buffer(): Buffer {
    return this.buf;
  }

  /** Where the next byte goes. */
  get position(): number {
    return this.pos;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = viewOf(next);
  }

  private rawVarint(n: number): void {
    this.room(10);
    this.pos = this.varintAt(this.pos, n);
  }

  // The varint of `n` written at `at` (room already made); returns where it ends.
  private varintAt(at: number, n: number): number {
    while (n >= 0x80) {
      this.buf[at++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[at++] = n;
    return at;
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  /** A non-negative integer field (uint32, uint64 below 2^53, enum, int64 of a non-negative value). */
  uint(field: number, n: number): void {
    this.tag(field, VARINT);
    this.rawVarint(n);
  }

  /** An int64 field of any safe integer (negative ones in two's complement, ten bytes). */
  int64(field: number, n: number): void {
    if (n >= 0) return this.uint(field, n);
    this.tag(field, VARINT);
    let v = BigInt.asUintN(64, BigInt(n));
    this.room(10);
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  bool(field: number, v: boolean): void {
    this.tag(field, VARINT);
    this.rawVarint(v ? 1 : 0);
  }

  fixed64(field: number, v: bigint): void {
    this.tag(field, FIXED64);
    this.room(8);
    this.buf.writeBigUInt64LE(v, this.pos);
    this.pos += 8;
  }

  double(field: number, v: number): void {
    this.tag(field, FIXED64);
    this.room(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  string(field: number, s: string): void {
    this.tag(field, LENGTH);
    this.utf8(s);
  }

  // A string's length prefix and UTF-8 bytes.
  private utf8(s: string): void {
    if (s.length < 128 && isAscii(s)) {
      this.room(s.length + 1);
      const { buf } = this;
      let at = this.pos;
      buf[at++] = s.length;
      for (let i = 0; i < s.length; i++) buf[at++] = s.charCodeAt(i);
      this.pos = at;
      return;
    }
    const n = Buffer.byteLength(s);
    this.rawVarint(n);
    this.room(n);
    this.pos += this.buf.write(s, this.pos, n, 'utf8');
  }

  // Bytes encoded earlier, copied in.
  private copy(bytes: Uint8Array): void {
    this.room(bytes.length);
    const { buf } = this;
    let at = this.pos;
    for (let i = 0; i < bytes.length; i++) buf[at++] = bytes[i]!;
    this.pos = at;
  }

  /**
   * A fixed64 of epoch milliseconds (with a fraction) as nanoseconds, split into two 32-bit
   * halves with exact double arithmetic instead of a BigInt per timestamp.
   */
  timeNanos(field: number, ms: number): void {
    this.tag(field, FIXED64);
    const whole = Math.floor(ms);
    const fraction = Math.round((ms - whole) * 1e6);
    // nanos = whole·10⁶ + fraction, with whole = high·2¹⁶ + low: every product below stays
    // under 2⁵³, so each step is exact (and so is scaling by a power of two).
    const high = Math.floor(whole * INV_2_16);
    const x = high * 1e6; // contributes x·2¹⁶
    const y = (whole - high * 65536) * 1e6 + fraction;
    const xHigh = Math.floor(x * INV_2_16);
    const yHigh = Math.floor(y * INV_2_32);
    let lo = (x - xHigh * 65536) * 65536 + (y - yHigh * TWO_32);
    let hi = xHigh + yHigh;
    if (lo >= TWO_32) {
      lo -= TWO_32;
      hi += 1;
    }
    // Both halves are below 2³², so each is one unsigned 32-bit word, exactly.
    this.room(8);
    const at = this.pos;
    this.view.setUint32(at, lo, true);
    this.view.setUint32(at + 4, hi, true);
    this.pos = at + 8;
  }

  /**
   * A string field that mostly repeats the string last written in `slot` (a span name, per kind
   * of span), copied from the bytes written then when it is the same string: the callers keep a
   * repeated name as one string, so the comparison nearly always finds the same reference.
   */
  slotString(field: number, s: string, slot: number): void {
    this.tag(field, LENGTH);
    const last = LAST_STRINGS[slot];
    if (last && last.text === s) return this.copy(last.bytes);
    const start = this.pos;
    this.utf8(s);
    if (slot >= 0 && slot < 16)
      LAST_STRINGS[slot] = { text: s, bytes: Uint8Array.prototype.slice.call(this.buf, start, this.pos) };
  }

  /**
   * A string field whose bytes never change (attribute names): encoded once and copied after,
   * which is most of the strings a span carries.
   */
  constantString(field: number, s: string): void {
    this.tag(field, LENGTH);
    this.copy(encodedConstant(s));
  }

  /**
   * A KeyValue of a string, a non-negative integer or a boolean in field `field`, copied from its
   * bytes when this key has had this value before (see KEY_VALUES).
   */
  keyValue(field: number, key: AttributeKey, v: string | number | boolean): void {
    if (key.id < 0 || !key.repeats) return this.scalarKeyValue(field, key.name, v);
    let cache = KEY_VALUES[key.id];
    if (!cache) {
      cache = { byValue: new Map(), lastValue: undefined, lastBytes: new Uint8Array(0) };
      KEY_VALUES[key.id] = cache;
    }
    let bytes: Uint8Array | undefined;
    if (cache.lastValue === v) bytes = cache.lastBytes;
    else {
      bytes = cache.byValue.get(v);
      if (!bytes) {
        if (cache.byValue.size >= VALUES_PER_KEY || (typeof v === 'string' && v.length > CACHED_STRING_MAX))
          return this.scalarKeyValue(field, key.name, v);
        bytes = keyValueBytes((w) => w.scalarKeyValue(1, key.name, v));
        cache.byValue.set(v, bytes);
      }
      cache.lastValue = v;
      cache.lastBytes = bytes;
    }
    this.tag(field, LENGTH);
    this.copy(bytes);
  }

  /**
   * A KeyValue message (key 1, AnyValue 2) of a string, a non-negative integer or a boolean, in
   * field `field`, its lengths computed before writing, so nothing is moved afterwards.
   */
  scalarKeyValue(field: number, key: string, v: string | number | boolean): void {
    const strLen = typeof v === 'string' ? utf8Length(v) : 0;
    const inner =
      typeof v === 'string' ? 1 + varintSize(strLen) + strLen : 1 + varintSize(typeof v === 'number' ? v : 1);
    this.keyValueHead(field, encodedConstant(key), inner);
    if (typeof v === 'string') {
      this.buf[this.pos++] = (1 << 3) | LENGTH;
      this.rawVarint(strLen);
      this.stringBytes(v, strLen);
    } else if (typeof v === 'number') {
      this.buf[this.pos++] = (3 << 3) | VARINT;
      this.rawVarint(v);
    } else {
      this.buf[this.pos++] = (2 << 3) | VARINT;
      this.buf[this.pos++] = v ? 1 : 0;
    }
  }

  /**
   * A KeyValue of an array of strings (finish reasons) in field `field`, its lengths computed up
   * front; an array of one string, the one written last under this key, is copied from the bytes
   * written then.
   */
  stringArrayKeyValue(field: number, key: AttributeKey, values: readonly string[]): void {
    if (values.length !== 1 || key.id < 0) return this.writeStringArrayKeyValue(field, key.name, values);
    const item = values[0]!;
    let last = LAST_ARRAYS[key.id];
    if (!last || last.item !== item) {
      last = { item, bytes: keyValueBytes((w) => w.writeStringArrayKeyValue(1, key.name, values)) };
      LAST_ARRAYS[key.id] = last;
    }
    this.tag(field, LENGTH);
    this.copy(last.bytes);
  }

  // KeyValue { key 1, value 2: AnyValue { array_value 5: ArrayValue { values 1: AnyValue { string_value 1 } } } }
  private writeStringArrayKeyValue(field: number, key: string, values: readonly string[]): void {
    let arrayBody = 0;
    for (const s of values) {
      const n = utf8Length(s);
      const item = 1 + varintSize(n) + n;
      arrayBody += 1 + varintSize(item) + item;
    }
    this.keyValueHead(field, encodedConstant(key), 1 + varintSize(arrayBody) + arrayBody);
    this.buf[this.pos++] = (5 << 3) | LENGTH;
    this.rawVarint(arrayBody);
    for (const s of values) {
      const n = utf8Length(s);
      this.buf[this.pos++] = (1 << 3) | LENGTH;
      this.rawVarint(1 + varintSize(n) + n);
      this.buf[this.pos++] = (1 << 3) | LENGTH;
      this.rawVarint(n);
      this.stringBytes(s, n);
    }
  }

  // What a KeyValue written with its lengths up front starts with: its tag and length, its key,
  // and its AnyValue's tag and length (`valueBody` bytes, written next; room made for them).
  private keyValueHead(field: number, keyBytes: Uint8Array, valueBody: number): void {
    const body = 1 + keyBytes.length + 1 + varintSize(valueBody) + valueBody;
    this.tag(field, LENGTH);
    this.rawVarint(body);
    this.room(body);
    this.buf[this.pos++] = (1 << 3) | LENGTH;
    this.copy(keyBytes);
    this.buf[this.pos++] = (2 << 3) | LENGTH;
    this.rawVarint(valueBody);
  }

  // The `n` UTF-8 bytes of `s` (room already made).
  private stringBytes(s: string, n: number): void {
    if (n === s.length) {
      const { buf } = this;
      let at = this.pos;
      for (let i = 0; i < n; i++) buf[at++] = s.charCodeAt(i);
      this.pos = at;
    } else this.pos += this.buf.write(s, this.pos, n, 'utf8');
  }

  /** Bytes that are already whole fields (another writer's output), appended as they are. */
  raw(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /**
   * A bytes field of the `n` bytes at `at` in `pool` (an id cut by trace-ids.ts, `n` below 128),
   * copied a 32-bit word at a time when `n` is a multiple of four (ids are 8 or 16 bytes).
   */
  idBytes(field: number, pool: Uint8Array, at: number, n: number): void {
    this.tag(field, LENGTH);
    this.room(n + 1);
    this.buf[this.pos++] = n;
    const to = this.pos;
    if ((n & 3) === 0) {
      if (pool !== this.idPool) {
        this.idPool = pool;
        this.idView = viewOf(pool);
      }
      const from = this.idView!;
      const { view } = this;
      for (let i = 0; i < n; i += 4) view.setUint32(to + i, from.getUint32(at + i, true), true);
    } else {
      const { buf } = this;
      for (let i = 0; i < n; i++) buf[to + i] = pool[at + i]!;
    }
    this.pos = to + n;
  }

  /** A bytes field given as hex (a caller's trace and span ids); see RECENT_IDS. */
  hexBytes(field: number, hex: string): void {
    this.tag(field, LENGTH);
    const n = hex.length >> 1;
    this.rawVarint(n);
    this.room(n);
    const { buf } = this;
    let at = this.pos;
    const recent = RECENT_IDS.hex;
    const heads = RECENT_IDS.head;
    const head = (hex.charCodeAt(0) << 16) | (hex.charCodeAt(1) << 8) | hex.charCodeAt(2);
    const slot =
      heads[0] === head && recent[0] === hex
        ? 0
        : heads[1] === head && recent[1] === hex
          ? 1
          : heads[2] === head && recent[2] === hex
            ? 2
            : -1;
    if (slot >= 0) {
      const bytes = RECENT_IDS.bytes[slot]!;
      for (let i = 0; i < n; i++) buf[at++] = bytes[i]!;
    } else {
      for (let i = 0; i < hex.length; i += 2)
        buf[at++] = (HEX_DIGIT[hex.charCodeAt(i)]! << 4) | HEX_DIGIT[hex.charCodeAt(i + 1)]!;
      if (n <= 16) {
        const next = RECENT_IDS.next;
        const bytes = RECENT_IDS.bytes[next]!;
        for (let i = 0; i < n; i++) bytes[i] = buf[this.pos + i]!;
        recent[next] = hex;
        heads[next] = head;
        RECENT_IDS.next = next === 2 ? 0 : next + 1;
      }
    }
    this.pos = at;
  }

  /** A packed repeated fixed64 field. */
  packedFixed64(field: number, values: ArrayLike<number>): void {
    this.tag(field, LENGTH);
    this.rawVarint(values.length * 8);
    this.room(values.length * 8);
    for (let i = 0; i < values.length; i++) {
      this.buf.writeBigUInt64LE(BigInt(values[i] ?? 0), this.pos);
      this.pos += 8;
    }
  }

  /** A packed repeated double field. */
  packedDouble(field: number, values: readonly number[]): void {
    this.tag(field, LENGTH);
    this.rawVarint(values.length * 8);
    this.room(values.length * 8);
    for (const v of values) {
      this.buf.writeDoubleLE(v, this.pos);
      this.pos += 8;
    }
  }

  /** The tag and length of an embedded message whose `length` bytes are written after. */
  lengthPrefix(field: number, length: number): void {
    this.tag(field, LENGTH);
    this.rawVarint(length);
  }

  /** Opens embedded message `field`; returns the mark `close` needs. */
  open(field: number): number {
    this.tag(field, LENGTH);
    return this.pos;
  }

  /** Closes the message opened at `mark`: moves its bytes right and writes their length before them. */
  close(mark: number): void {
    const length = this.pos - mark;
    const prefix = varintSize(length);
    this.room(prefix);
    this.buf.copyWithin(mark + prefix, mark, this.pos);
    this.varintAt(mark, length);
    this.pos += prefix;
  }

  /**
   * Opens embedded message `field` with two bytes left for its length, which is what a length of
   * 128 to 16,383 bytes takes (a span's): `closeSized` then writes the length in place instead of
   * moving the message's bytes, as `close` has to.
   */
  openSized(field: number): number {
    this.tag(field, LENGTH);
    this.room(2);
    this.pos += 2;
    return this.pos;
  }

  /** Closes the message `openSized` opened at `mark`, moving it only when its length is outside the two bytes' range. */
  closeSized(mark: number): void {
    const length = this.pos - mark;
    const at = mark - 2;
    const prefix = varintSize(length);
    if (prefix !== 2) {
      if (prefix > 2) this.room(prefix - 2);
      this.buf.copyWithin(at + prefix, mark, this.pos);
      this.pos += prefix - 2;
    }
    this.varintAt(at, length);
  }

  /** The bytes written (a view, valid until the next write). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}
