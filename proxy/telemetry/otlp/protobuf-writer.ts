/**
 * The few protobuf wire types OTLP needs, written into one growing buffer. A nested message is
 * written in place and its length prefix inserted when it closes (one `copyWithin` of the
 * message's own bytes), so encoding a batch allocates only as the buffer grows.
 */

const VARINT = 0;
const FIXED64 = 1;
const LENGTH = 2;

function varintSize(n: number): number {
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

/** A protobuf message being written. */
export class ProtobufWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initial = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  private rawVarint(n: number): void {
    this.room(10);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
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
    const n = Buffer.byteLength(s);
    this.rawVarint(n);
    this.room(n);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /**
   * A string field whose bytes never change (attribute names): encoded once and copied after,
   * which is most of the strings a span carries.
   */
  constantString(field: number, s: string): void {
    const bytes = encodedConstant(s);
    this.tag(field, LENGTH);
    this.room(bytes.length);
    bytes.copy(this.buf, this.pos);
    this.pos += bytes.length;
  }

  /**
   * A KeyValue message (key 1, AnyValue 2) of a string, a non-negative integer or a boolean, in
   * field `field`, its lengths computed before writing, so nothing is moved afterwards.
   */
  scalarKeyValue(field: number, key: string, v: string | number | boolean): void {
    const keyBytes = encodedConstant(key);
    let inner: number;
    let strLen = 0;
    if (typeof v === 'string') {
      strLen = Buffer.byteLength(v);
      inner = 1 + varintSize(strLen) + strLen;
    } else inner = 1 + varintSize(typeof v === 'number' ? v : 1);
    const body = 1 + keyBytes.length + 1 + varintSize(inner) + inner;
    this.tag(field, LENGTH);
    this.rawVarint(body);
    this.room(body);
    this.buf[this.pos++] = (1 << 3) | LENGTH;
    keyBytes.copy(this.buf, this.pos);
    this.pos += keyBytes.length;
    this.buf[this.pos++] = (2 << 3) | LENGTH;
    this.rawVarint(inner);
    if (typeof v === 'string') {
      this.buf[this.pos++] = (1 << 3) | LENGTH;
      this.rawVarint(strLen);
      this.pos += this.buf.write(v, this.pos, strLen, 'utf8');
    } else if (typeof v === 'number') {
      this.buf[this.pos++] = (3 << 3) | VARINT;
      this.rawVarint(v);
    } else {
      this.buf[this.pos++] = (2 << 3) | VARINT;
      this.buf[this.pos++] = v ? 1 : 0;
    }
  }

  /** Bytes that are already whole fields (another writer's output), appended as they are. */
  raw(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** A bytes field given as hex (trace and span ids). */
  hexBytes(field: number, hex: string): void {
    this.tag(field, LENGTH);
    const n = hex.length >> 1;
    this.rawVarint(n);
    this.room(n);
    this.pos += this.buf.write(hex, this.pos, 'hex');
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
    let at = mark;
    let n = length;
    while (n >= 0x80) {
      this.buf[at++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[at] = n;
    this.pos += prefix;
  }

  /** The bytes written (a view, valid until the next write). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}
