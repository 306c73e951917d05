/**
 * Exact latency percentiles for a usage report, from the request log's raw durations, for every
 * group (totals, a model, key, target or time bucket) whose requests the log still all holds (it
 * is a bounded ring that starts with the process). The percentiles are then durations of requests the operator can list, so
 * a p95 is never below what the request search shows happened. Otherwise the report keeps the
 * histogram's estimates and their error bounds (docs/usage-and-metrics.md, "Latency percentiles").
 */
import type { RequestLog } from '../observe/request-log.js';
import type { UsageCounters, UsageQuery, UsageReport } from './stats.js';

/** The q-quantile (0..1) of ascending `sorted` by nearest rank: the value of rank ceil(q·n). */
export function nearestRank(sorted: readonly number[], q: number): number {
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? 0;
}

// Replaces the estimates of `c` by exact figures when the log holds all of its requests. Every
// record the log holds was counted in the same bucket by the same call (accounting.ts), so equal
// counts mean the same requests; fewer (evicted from the ring, or counted before the proxy
// started and restored from usage.json) keep the estimate.
function exact(c: UsageCounters | undefined, samples: number[] | undefined): void {
  if (c === undefined || samples === undefined || samples.length !== c.requests) return;
  samples.sort((a, b) => a - b);
  c.latencyP50Ms = nearestRank(samples, 0.5);
  c.latencyP95Ms = nearestRank(samples, 0.95);
  c.latencyP99Ms = nearestRank(samples, 0.99);
  c.latencyP50ErrorPct = 0;
  c.latencyP95ErrorPct = 0;
  c.latencyP99ErrorPct = 0;
}

function push(groups: Map<string, number[]>, k: string, ms: number): void {
  const g = groups.get(k);
  if (g === undefined) groups.set(k, [ms]);
  else g.push(ms);
}

/** `report` with exact percentiles wherever `log` holds all the requests counted in it. */
export function withExactLatency(report: UsageReport, log: RequestLog, q: UsageQuery): UsageReport {
  const step = report.stepMs;
  const total: number[] = [];
  const byModel = new Map<string, number[]>();
  const byKey = new Map<string, number[]>();
  const byTarget = new Map<string, number[]>();
  const byBucket = new Map<string, number[]>();
  // The report sums whole buckets that overlap [from, to): so are the samples.
  for (const r of log.all()) {
    const t = Math.floor(r.at / step) * step;
    if (!r.counted || t + step <= report.from || t >= report.to) continue;
    if (q.model !== undefined && r.model !== q.model) continue;
    if (q.keyId !== undefined && r.keyId !== q.keyId) continue;
    if (q.target !== undefined && r.target !== q.target) continue;
    const ms = Number.isFinite(r.ms) && r.ms > 0 ? r.ms : 0;
    total.push(ms);
    push(byModel, r.model, ms);
    push(byKey, r.keyId, ms);
    push(byTarget, r.target, ms);
    push(byBucket, String(t), ms);
  }
  exact(report.totals, total);
  for (const [k, c] of Object.entries(report.byModel)) exact(c, byModel.get(k));
  for (const [k, c] of Object.entries(report.byKey)) exact(c, byKey.get(k));
  for (const [k, c] of Object.entries(report.byTarget)) exact(c, byTarget.get(k));
  for (const p of report.series) exact(p, byBucket.get(String(p.t)));
  return report;
}
