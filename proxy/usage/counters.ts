/**
 * The counter set behind every usage bucket: a fixed layout in one array of numbers (cheap to add
 * to on the hot path, to merge and to serialise) and its JSON view for reports. A plain array of
 * doubles costs ~300 B with its Map entry; a Counters measured ~450 B (off-heap store).
 */
import type { TokenUsage } from './extract.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** Upper bounds (ms, inclusive, like Prometheus `le`) of the latency histogram; +Inf is implied. */
export const LATENCY_BOUNDS_MS: readonly number[] = [50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000];

// Status classes are disjoint so they add up to `requests`: 429 is kept apart from 4xx because
// rate limiting is the signal operators watch, and `sOther` takes 1xx/3xx and status 0 (aborts).
const SCALARS = [
  'requests',
  's2xx',
  's4xx',
  's429',
  's5xx',
  'sOther',
  'promptTokens',
  'completionTokens',
  'totalTokens',
  'cachedTokens',
  'reasoningTokens',
  'imageBytesSaved',
  'latencySumMs',
  'latencyMaxMs',
  'cost',
] as const;
export const REQUESTS = 0;
const S2XX = 1,
  S4XX = 2,
  S429 = 3,
  S5XX = 4,
  SOTHER = 5;
const PROMPT = 6,
  COMPLETION = 7,
  TOTAL = 8,
  CACHED = 9,
  REASONING = 10,
  IMAGE_SAVED = 11,
  SUM_MS = 12;
export const MAX_MS = 13;
const COST = 14;
export const HIST = SCALARS.length;
export const FIELD_COUNT = HIST + LATENCY_BOUNDS_MS.length + 1;
/** Field names in layout order; written into the stats file so a later layout can still read it. */
export const FIELD_NAMES: readonly string[] = [...SCALARS, ...LATENCY_BOUNDS_MS.map((b) => `le${b}`), 'leInf'];

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
  /** Spend in the gateway's currency, at the serving target's price. */
  cost: number;
  /** Requests per LATENCY_BOUNDS_MS bucket, then the +Inf bucket; not cumulative. */
  latencyHistogram: number[];
  /** Percentiles (nearest rank) in ms; null without requests. */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
  /** 0 when the percentile is exact; else the estimate's error bound in % (±); null without requests. */
  latencyP50ErrorPct: number | null;
  latencyP95ErrorPct: number | null;
  latencyP99ErrorPct: number | null;
}

/** One counter set in the FIELD_NAMES layout. */
export type Counters = number[];

/** A zeroed counter set. */
export function newCounters(): Counters {
  return new Array<number>(FIELD_COUNT).fill(0);
}

/** Adds `v` to field `i` (indexed reads are `number | undefined` under noUncheckedIndexedAccess). */
export function bump(a: Counters, i: number, v: number): void {
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
export function add(
  a: Counters,
  status: number,
  hist: number,
  ms: number,
  usage: TokenUsage | undefined,
  saved: number,
  cost = 0,
): void {
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
  if (cost > 0) bump(a, COST, cost);
  bump(a, SUM_MS, ms);
  if (ms > (a[MAX_MS] ?? 0)) a[MAX_MS] = ms;
  bump(a, HIST + hist, 1);
}

/** Adds `from` into `into` (the maximum latency takes the larger of the two). */
export function merge(into: Counters, from: Counters): void {
  for (let i = 0; i < FIELD_COUNT; i++) {
    if (i === MAX_MS) into[i] = Math.max(into[i] ?? 0, from[i] ?? 0);
    else bump(into, i, from[i] ?? 0);
  }
}

/** A percentile estimated from a histogram: the middle of the bucket that holds it, and the half-width of that bucket. */
export interface PercentileEstimate {
  ms: number;
  /** The true value is within ±errorPct % of `ms` (0 when the bucket is a single value). */
  errorPct: number;
}

/**
 * Estimates the q-quantile (0..1) in ms from a non-cumulative histogram: the request of rank
 * ceil(q·n) lies in one bucket (lower, upper], whose upper end is capped at `maxMs` (the +Inf
 * bucket ends there); the estimate is that range's middle with its half-width as the error bound,
 * so the true value is inside ±errorPct. Null when there are no requests. Exact figures come from
 * the request log when it holds the whole range (exact-latency.ts).
 */
export function estimatePercentile(histogram: readonly number[], maxMs: number, q: number): PercentileEstimate | null {
  const n = histogram.reduce((s, c) => s + c, 0);
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil(q * n));
  let below = 0;
  let i = 0;
  for (; i < histogram.length - 1; i++) {
    below += histogram[i] ?? 0;
    if (below >= rank) break;
  }
  const lower = Math.min(i === 0 ? 0 : (LATENCY_BOUNDS_MS[i - 1] ?? 0), maxMs);
  const upper = Math.max(lower, Math.min(LATENCY_BOUNDS_MS[i] ?? maxMs, maxMs));
  const mid = (lower + upper) / 2;
  return { ms: mid, errorPct: mid > 0 ? Math.ceil(((upper - lower) / 2 / mid) * 1000) / 10 : 0 };
}

/** The JSON view of a counter set, with p50/p95/p99 estimated from its histogram. */
export function toCounters(a: Counters): UsageCounters {
  const v = (i: number): number => a[i] ?? 0;
  const latencyHistogram = a.slice(HIST);
  const p50 = estimatePercentile(latencyHistogram, v(MAX_MS), 0.5);
  const p95 = estimatePercentile(latencyHistogram, v(MAX_MS), 0.95);
  const p99 = estimatePercentile(latencyHistogram, v(MAX_MS), 0.99);
  return {
    requests: v(REQUESTS),
    s2xx: v(S2XX),
    s4xx: v(S4XX),
    s429: v(S429),
    s5xx: v(S5XX),
    sOther: v(SOTHER),
    promptTokens: v(PROMPT),
    completionTokens: v(COMPLETION),
    totalTokens: v(TOTAL),
    cachedTokens: v(CACHED),
    reasoningTokens: v(REASONING),
    imageBytesSaved: v(IMAGE_SAVED),
    latencySumMs: v(SUM_MS),
    latencyMaxMs: v(MAX_MS),
    cost: v(COST),
    latencyHistogram,
    latencyP50Ms: p50?.ms ?? null,
    latencyP95Ms: p95?.ms ?? null,
    latencyP99Ms: p99?.ms ?? null,
    latencyP50ErrorPct: p50?.errorPct ?? null,
    latencyP95ErrorPct: p95?.errorPct ?? null,
    latencyP99ErrorPct: p99?.errorPct ?? null,
  };
}
