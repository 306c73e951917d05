/**
 * The counter set behind every usage bucket: a fixed layout in one Float64Array (cheap to add on
 * the hot path, to merge and to serialise), its JSON view for reports, and the on-disk codec.
 */
import type { TokenUsage } from './usage-extract.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** Upper bounds (ms, inclusive, like Prometheus `le`) of the latency histogram; +Inf is implied. */
export const LATENCY_BOUNDS_MS: readonly number[] = [50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000];

// Status classes are disjoint so they add up to `requests`: 429 is kept apart from 4xx because
// rate limiting is the signal operators watch, and `sOther` takes 1xx/3xx and status 0 (aborts).
const SCALARS = [
  'requests', 's2xx', 's4xx', 's429', 's5xx', 'sOther',
  'promptTokens', 'completionTokens', 'totalTokens', 'cachedTokens', 'reasoningTokens',
  'imageBytesSaved', 'latencySumMs', 'latencyMaxMs',
] as const;
export const REQUESTS = 0;
const S2XX = 1, S4XX = 2, S429 = 3, S5XX = 4, SOTHER = 5;
const PROMPT = 6, COMPLETION = 7, TOTAL = 8, CACHED = 9, REASONING = 10, IMAGE_SAVED = 11, SUM_MS = 12;
export const MAX_MS = 13;
export const HIST = SCALARS.length;
export const FIELD_COUNT = HIST + LATENCY_BOUNDS_MS.length + 1;
/** Field names in layout order; written into the file so a later layout can still read it. */
export const FIELD_NAMES: readonly string[] = [...SCALARS, ...LATENCY_BOUNDS_MS.map((b) => `le${b}`), 'leInf'];
export const FILE_VERSION = 1;

/** JSON view of a counter set; statuses are disjoint classes (s4xx excludes 429). */
export interface UsageCounters {
  requests: number;
  s2xx: number;
  s4xx: number;
  s429: number;
  s5xx: number;
  sOther: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  imageBytesSaved: number;
  latencySumMs: number;
  latencyMaxMs: number;
  /** Requests per LATENCY_BOUNDS_MS bucket, then the +Inf bucket; not cumulative. */
  latencyHistogram: number[];
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
}

/** The decoded stats file: one entry per series, buckets as [start, counters]. */
export type UsageFile = Array<{
  model: string;
  keyId: string;
  target: string;
  lifetime: Float64Array;
  minutes: Array<[number, Float64Array]>;
  hours: Array<[number, Float64Array]>;
}>;

/** Adds `v` to field `i` (typed-array reads are `number | undefined` under noUncheckedIndexedAccess). */
export function bump(a: Float64Array, i: number, v: number): void {
  a[i] = (a[i] ?? 0) + v;
}

/** Index of the status-class field for an HTTP status. */
export function statusIndex(status: number): number {
  if (status >= 200 && status < 300) return S2XX;
  if (status === 429) return S429;
  if (status >= 400 && status < 500) return S4XX;
  if (status >= 500 && status < 600) return S5XX;
  return SOTHER;
}

/** Offset (from HIST) of the histogram bucket holding `ms`. */
export function histIndex(ms: number): number {
  for (let i = 0; i < LATENCY_BOUNDS_MS.length; i++) if (ms <= (LATENCY_BOUNDS_MS[i] ?? Infinity)) return i;
  return LATENCY_BOUNDS_MS.length;
}

/** Counts one request into `a`; indices come from statusIndex/histIndex, computed once per event. */
export function add(a: Float64Array, status: number, hist: number, ms: number, usage: TokenUsage | undefined, saved: number): void {
  bump(a, REQUESTS, 1);
  bump(a, status, 1);
  if (usage !== undefined) {
    bump(a, PROMPT, usage.prompt);
    bump(a, COMPLETION, usage.completion);
    bump(a, TOTAL, usage.total);
    bump(a, CACHED, usage.cached);
    bump(a, REASONING, usage.reasoning);
  }
  bump(a, IMAGE_SAVED, saved);
  bump(a, SUM_MS, ms);
  if (ms > (a[MAX_MS] ?? 0)) a[MAX_MS] = ms;
  bump(a, HIST + hist, 1);
}

/** Adds `from` into `into` (the maximum latency takes the larger of the two). */
export function merge(into: Float64Array, from: Float64Array): void {
  for (let i = 0; i < FIELD_COUNT; i++) {
    if (i === MAX_MS) into[i] = Math.max(into[i] ?? 0, from[i] ?? 0);
    else bump(into, i, from[i] ?? 0);
  }
}

/**
 * Estimates the q-quantile (0..1) in ms from a non-cumulative histogram, interpolating linearly
 * inside the bucket that holds it (as Prometheus' histogram_quantile does); the +Inf bucket is
 * taken to end at `maxMs`, and no estimate exceeds it. Null when there are no requests.
 */
export function estimatePercentile(histogram: readonly number[], maxMs: number, q: number): number | null {
  const n = histogram.reduce((s, c) => s + c, 0);
  if (n === 0) return null;
  const rank = q * n;
  let below = 0;
  for (let i = 0; i < histogram.length; i++) {
    const c = histogram[i] ?? 0;
    if (c > 0 && below + c >= rank) {
      const lower = i === 0 ? 0 : (LATENCY_BOUNDS_MS[i - 1] ?? 0);
      const upper = LATENCY_BOUNDS_MS[i] ?? maxMs;
      return Math.min(lower + (upper - lower) * ((rank - below) / c), maxMs);
    }
    below += c;
  }
  return maxMs;
}

/** The JSON view of a counter set, with p50/p95 estimated from its histogram. */
export function toCounters(a: Float64Array): UsageCounters {
  const v = (i: number): number => a[i] ?? 0;
  const latencyHistogram = Array.from(a.subarray(HIST));
  return {
    requests: v(REQUESTS), s2xx: v(S2XX), s4xx: v(S4XX), s429: v(S429), s5xx: v(S5XX), sOther: v(SOTHER),
    promptTokens: v(PROMPT), completionTokens: v(COMPLETION), totalTokens: v(TOTAL), cachedTokens: v(CACHED),
    reasoningTokens: v(REASONING), imageBytesSaved: v(IMAGE_SAVED), latencySumMs: v(SUM_MS), latencyMaxMs: v(MAX_MS),
    latencyHistogram,
    latencyP50Ms: estimatePercentile(latencyHistogram, v(MAX_MS), 0.5),
    latencyP95Ms: estimatePercentile(latencyHistogram, v(MAX_MS), 0.95),
  };
}

/** The values of a counter set for the file, trailing zeros trimmed (most buckets are sparse). */
export function encodeCounters(a: Float64Array): number[] {
  let end = a.length;
  while (end > 0 && a[end - 1] === 0) end--;
  return Array.from(a.subarray(0, end));
}

type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
// Array.isArray narrows to any[]; this keeps the elements unknown.
const isArray = (v: unknown): v is unknown[] => Array.isArray(v);

/** Validates the parsed stats file and decodes it; throws an Error naming the first problem. */
export function decodeUsageFile(json: unknown): UsageFile {
  if (!isObject(json)) throw new Error('not a JSON object');
  if (json.version !== FILE_VERSION) throw new Error(`unsupported version ${String(json.version)}`);
  const fields = json.fields;
  if (!isArray(fields) || !fields.every((f) => typeof f === 'string')) throw new Error('fields: not a list of names');
  // Unknown names (a newer layout) are skipped; known names missing from the file stay zero.
  const layout = fields.map((f) => FIELD_NAMES.indexOf(f as string));
  if (!isArray(json.series)) throw new Error('series: not a list');
  return json.series.map((s, i) => {
    const where = `series[${i}]`;
    if (!isObject(s)) throw new Error(`${where}: not an object`);
    const { model, keyId, target } = s;
    if (typeof model !== 'string' || typeof keyId !== 'string' || typeof target !== 'string') throw new Error(`${where}: labels`);
    if (!isArray(s.lifetime)) throw new Error(`${where}.lifetime: not a list`);
    return {
      model, keyId, target,
      lifetime: decodeValues(s.lifetime, 0, layout, `${where}.lifetime`),
      minutes: decodeBuckets(s.minutes, MINUTE_MS, layout, `${where}.minutes`),
      hours: decodeBuckets(s.hours, HOUR_MS, layout, `${where}.hours`),
    };
  });
}

function decodeValues(row: unknown[], offset: number, layout: number[], where: string): Float64Array {
  if (row.length - offset > layout.length) throw new Error(`${where}: more values than fields`);
  const a = new Float64Array(FIELD_COUNT);
  for (let i = offset; i < row.length; i++) {
    const x = row[i];
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) throw new Error(`${where}: bad value at ${i}`);
    const field = layout[i - offset] ?? -1;
    if (field >= 0) a[field] = x;
  }
  return a;
}

function decodeBuckets(v: unknown, step: number, layout: number[], where: string): Array<[number, Float64Array]> {
  if (!isArray(v)) throw new Error(`${where}: not a list`);
  return v.map((row, j): [number, Float64Array] => {
    const t = isArray(row) ? row[0] : undefined;
    if (!isArray(row) || typeof t !== 'number' || !Number.isSafeInteger(t) || t % step !== 0) throw new Error(`${where}[${j}]: bad bucket`);
    return [t, decodeValues(row, 1, layout, `${where}[${j}]`)];
  });
}
