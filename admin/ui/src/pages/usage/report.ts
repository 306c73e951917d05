/**
 * The usage report of GET /admin/api/usage, narrowed: counters per time bucket and per model,
 * key and target (spend included, in the server's currency); dense buckets for the charts (the
 * report omits empty ones); the query of a range, and the URL of the same report as CSV.
 * DOM-free, so unit tests import it.
 */
import { isRecord } from '../../api.js';

/** A bucket's or a group's counters (the latency percentiles are null without requests). */
export type Counters = Record<string, number | null>;

/** The time ranges of the page, in milliseconds. */
export const RANGES = {
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '24h': 24 * 3_600_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
} as const;
/** A time range of the page. */
export type Range = keyof typeof RANGES;

/** The counters of the report. */
const COUNTERS = [
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
  'latencyP50Ms',
  'latencyP95Ms',
  'latencyP99Ms',
  'latencyP50ErrorPct',
  'latencyP95ErrorPct',
  'latencyP99ErrorPct',
  'cost',
] as const;

/** A narrowed report. */
export interface Report {
  from: number;
  to: number;
  stepMs: number;
  resolution: string;
  series: (Counters & { t: number })[];
  totals: Counters;
  byModel: Record<string, Counters>;
  byKey: Record<string, Counters>;
  byTarget: Record<string, Counters>;
}

function counters(v: unknown): Counters {
  const src = isRecord(v) ? v : {};
  const out: Counters = {};
  for (const k of COUNTERS) out[k] = typeof src[k] === 'number' ? src[k] : k.startsWith('latencyP') ? null : 0;
  return out;
}

/** The report in the API's answer `v`, every counter present. */
export function asReport(v: unknown): Report {
  const r = isRecord(v) ? v : {};
  const rec = (x: unknown) =>
    Object.fromEntries(Object.entries(isRecord(x) ? x : {}).map(([k, c]) => [k, counters(c)]));
  return {
    from: Number(r.from) || 0,
    to: Number(r.to) || 0,
    stepMs: Number(r.stepMs) || 60_000,
    resolution: String(r.resolution ?? ''),
    series: (Array.isArray(r.series) ? r.series : []).filter(isRecord).map((p) => ({ ...counters(p), t: Number(p.t) })),
    totals: counters(r.totals),
    byModel: rec(r.byModel),
    byKey: rec(r.byKey),
    byTarget: rec(r.byTarget),
  };
}

/** Counter `k` of `c`, 0 when absent. */
export function count(c: Counters | undefined, k: string): number {
  return c ? (c[k] ?? 0) : 0;
}

/** Every bucket start from `from` to `to`, and the counters of bucket `i` (undefined: no requests). */
export function dense(report: Report): { x: number[]; at: (i: number) => Counters | undefined } {
  const step = report.stepMs;
  const start = Math.floor(report.from / step) * step;
  const x: number[] = [];
  for (let t0 = start; t0 < report.to; t0 += step) x.push(t0);
  const byT = new Map(report.series.map((p) => [p.t, p]));
  return { x, at: (i) => byT.get(x[i] ?? -1) };
}

/** The query of a report for `range` ending now, filtered by model and key. */
export function reportQuery(range: Range, model: string, key: string, now: number): URLSearchParams {
  const q = new URLSearchParams({ from: String(now - RANGES[range]), to: String(Math.ceil(now / 60_000) * 60_000) });
  if (model) q.set('model', model);
  if (key) q.set('key', key);
  return q;
}

/** The URL of the report of `query` as CSV from the server (per bucket, model, key, team and target, with cost). */
export function csvHref(query: URLSearchParams): string {
  return `/admin/api/usage?${new URLSearchParams([['format', 'csv'], ...query])}`;
}
