/**
 * W3C trace-context ids for the OTLP path: random trace and span ids cut from a pool of random
 * bytes and the same bytes as a string of hex digits (one `randomFillSync` per few hundred ids,
 * one hex conversion per few dozen, where a conversion per id cost a call into native code
 * each), so an id has its digits for headers and its bytes for the run its closed trace crosses
 * in (trace-notes.ts); and the parse of a client's `traceparent`
 * (https://www.w3.org/TR/trace-context/).
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
/**
 * The bytes whose hex digits are made at once. An id's digits are a slice of that string and
 * keep all of it alive: digits for the whole pool lived for a hundred requests, past two
 * collections of the young generation, and were copied into the old one (8 KB per hundred
 * requests); digits for 512 bytes serve a dozen requests and die young with the traces that
 * hold them (docs/reports/telemetry-cost.md, "The thirteenth pass").
 */
const HEX_SPAN = 512;
// The random bytes ids are cut from. A new buffer at each refill: ids cut from the one before
// belong to traces still open, whose bytes are copied at close.
let poolBuffer = Buffer.alloc(0);
let bytePool: Uint8Array = new Uint8Array(0);
let at = 0;
// The hex digits of the pool's bytes from hexFrom on (HEX_SPAN of them at most).
let hexPool = '';
let hexFrom = 0;

/**
 * Where the bytes of the id cut last are (`newTraceId`, `newSpanId`), read right after the cut:
 * a closed trace's ids are copied from there (trace-notes.ts) instead of decoded from hex digits.
 */
export const lastCut = { pool: bytePool, at: 0 };

function randomHex(bytes: number): string {
  if (at + bytes > bytePool.length) {
    poolBuffer = randomFillSync(Buffer.allocUnsafeSlow(POOL_BYTES));
    bytePool = new Uint8Array(poolBuffer.buffer, poolBuffer.byteOffset, POOL_BYTES);
    at = 0;
    hexFrom = POOL_BYTES;
  }
  if (at < hexFrom || at + bytes > hexFrom + HEX_SPAN) {
    hexFrom = at;
    hexPool = poolBuffer.toString('hex', at, Math.min(at + HEX_SPAN, POOL_BYTES));
  }
  const hex = hexPool.slice((at - hexFrom) * 2, (at - hexFrom + bytes) * 2);
  lastCut.pool = bytePool;
  lastCut.at = at;
  at += bytes;
  return hex;
}

/** The value of each hexadecimal digit by character code (for ids already validated as hex). */
export const HEX_DIGIT = new Uint8Array(128);
for (let i = 0; i < 10; i++) HEX_DIGIT[48 + i] = i;
for (let i = 0; i < 6; i++) HEX_DIGIT[97 + i] = HEX_DIGIT[65 + i] = 10 + i;

const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

// True when the id cut last is all zeros (checked on its bytes: comparing the digits with a
// string of zeros would compare two strings in the runtime for every id).
function cutIsZero(bytes: number): boolean {
  const { pool, at } = lastCut;
  for (let i = 0; i < bytes; i++) if (pool[at + i] !== 0) return false;
  return true;
}

/** A new trace id: 32 lowercase hex digits, never all zeros. */
export function newTraceId(): string {
  const id = randomHex(16);
  return cutIsZero(16) ? newTraceId() : id;
}

/** A new span id: 16 lowercase hex digits, never all zeros. */
export function newSpanId(): string {
  const id = randomHex(8);
  return cutIsZero(8) ? newSpanId() : id;
}

/** A caller's span context from its `traceparent` (and `tracestate`). */
export interface ParentContext {
  traceId: string;
  spanId: string;
  sampled: boolean;
  traceState?: string;
}

// version 00 exactly; a later version is read by its first four fields, as the spec asks.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** The caller's context from `traceparent`, or undefined when absent or invalid. */
export function parseTraceparent(
  traceparent: string | string[] | undefined,
  tracestate: string | string[] | undefined,
): ParentContext | undefined {
  if (typeof traceparent !== 'string') return undefined;
  const m = TRACEPARENT.exec(traceparent.trim());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags, rest] = m as unknown as [string, string, string, string, string, string?];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  const state = Array.isArray(tracestate) ? tracestate.join(',') : tracestate;
  return {
    traceId,
    spanId,
    sampled: (parseInt(flags, 16) & 1) === 1,
    ...(state?.trim() ? { traceState: state.trim() } : {}),
  };
}
