/**
 * W3C trace-context ids for the OTLP path: random trace and span ids cut from a pooled string of
 * random hex digits (one `randomFillSync` and one hex conversion per few hundred ids, where a
 * conversion per id cost a call into native code each), and the parse of a client's
 * `traceparent` (https://www.w3.org/TR/trace-context/).
 */
import { randomFillSync } from 'node:crypto';

const POOL = Buffer.alloc(4096);
let hexPool = '';
let at = 0;

function randomHex(bytes: number): string {
  const digits = bytes * 2;
  if (at + digits > hexPool.length) {
    hexPool = randomFillSync(POOL).toString('hex');
    at = 0;
  }
  const hex = hexPool.slice(at, at + digits);
  at += digits;
  return hex;
}

const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** A new trace id: 32 lowercase hex digits, never all zeros. */
export function newTraceId(): string {
  const id = randomHex(16);
  return id === ZERO_TRACE ? newTraceId() : id;
}

/** A new span id: 16 lowercase hex digits, never all zeros. */
export function newSpanId(): string {
  const id = randomHex(8);
  return id === ZERO_SPAN ? newSpanId() : id;
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
