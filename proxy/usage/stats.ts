/**
 * In-memory usage store of the proxy: per (model, keyId, target) counters in per-minute buckets
 * (48 h), per-hour buckets (90 days) and lifetime totals (never dropped, for Prometheus counters),
 * persisted to one JSON file in DATA_DIR (docs/usage-and-metrics.md, "Usage statistics").
 *
 * Memory bound: each series holds at most 48 h / 1 min = 2,880 minute buckets and
 * 90 d / 1 h = 2,160 hour buckets, so buckets <= series x 5,040, and never more than the events
 * seen in the retention window. A bucket is 25 numbers, ~300 B with its Map entry (measured), so
 * a series busy every minute costs at most ~1.5 MB and 100 such series ~150 MB. Series beyond
 * `maxSeries` (default 10,000) fold into one overflow series, so hostile model names cannot grow
 * the map (or the Prometheus output) without bound. The file holds the same buckets.
 */
import { writeFileAtomic } from '../../common/atomic-write.js';
import type { TokenUsage } from './extract.js';
import {
  HOUR_MS,
  MINUTE_MS,
  REQUESTS,
  add,
  histIndex,
  merge,
  newCounters,
  statusIndex,
  toCounters,
  type Counters,
  type UsageCounters,
} from './counters.js';
import { encodeUsageFile, readUsageFile, type FileSeries, type RestoreResult, type UsageLogger } from './file.js';

export { HOUR_MS, LATENCY_BOUNDS_MS, MINUTE_MS, estimatePercentile, type UsageCounters } from './counters.js';
export type { RestoreResult, UsageLogger } from './file.js';
/** How long minute buckets are kept. */
export const MINUTE_RETENTION_MS = 48 * HOUR_MS;
/** How long hour buckets are kept. */
export const HOUR_RETENTION_MS = 90 * 24 * HOUR_MS;
/** Model, key and target of the series that collects events once `maxSeries` is reached. */
export const OVERFLOW_LABEL = '(overflow)';
// 'auto' picks minutes up to this span: 360 points is as much as a chart can show usefully.
const AUTO_MINUTE_SPAN_MS = 6 * HOUR_MS;
const DEFAULT_SPAN_MS = 24 * HOUR_MS;
const DEFAULT_MAX_SERIES = 10_000;

/** One finished request as the proxy saw it. */
export interface UsageEvent {
  model: string;
  keyId: string;
  /** Upstream name; absent when the request never reached one (auth failure, 404 model). */
  target?: string;
  status: number;
  latencyMs: number;
  usage?: TokenUsage;
  imageBytesSaved?: number;
  /** Spend at the serving target's price (docs/governance.md). */
  cost?: number;
  /** Epoch ms; defaults to now (and is capped at now). */
  at?: number;
}

/** Construction options; `now` exists so tests can move time without waiting. */
export interface UsageStatsOptions {
  logger?: UsageLogger;
  now?: () => number;
  /** Distinct (model, keyId, target) series before new ones fold into the overflow series. */
  maxSeries?: number;
  /** Replaces the file writer (default writeFileAtomic), for fault and concurrency tests. */
  write?: (file: string, data: string) => Promise<void>;
}

/**
 * Filters of `snapshot`: buckets overlapping [from, to) are included. Defaults: `to` is the end
 * of the current minute, `from` is 24 h before `to`; 'auto' resolution is minutes for spans up
 * to 6 h that start within the 48 h of minute retention, else hours.
 */
export interface UsageQuery {
  from?: number;
  to?: number;
  model?: string;
  keyId?: string;
  target?: string;
  resolution?: 'minute' | 'hour' | 'auto';
}

/** One bucket of the report's time series: its start and the counters summed over matching series. */
export type UsagePoint = { t: number } & UsageCounters;

/**
 * The JSON the admin API serves. `series` is sparse (buckets without requests are omitted),
 * sorted by `t`, one point per `stepMs`. `totals`/`byModel`/`byKey`/`byTarget` sum the same
 * buckets; a request that reached no upstream is under the target ''.
 */
export interface UsageReport {
  generatedAt: number;
  resolution: 'minute' | 'hour';
  stepMs: number;
  from: number;
  to: number;
  series: UsagePoint[];
  totals: UsageCounters;
  byModel: Record<string, UsageCounters>;
  byKey: Record<string, UsageCounters>;
  byTarget: Record<string, UsageCounters>;
}

/** One bucket of one series (model, key, target), as the CSV export lists them. */
export type UsageRow = { t: number; stepMs: number; model: string; keyId: string; target: string } & UsageCounters;

/** Lifetime totals of one series, for Prometheus counters. */
export interface LifetimeSeries {
  model: string;
  keyId: string;
  target: string;
  counters: UsageCounters;
}

interface Series {
  model: string;
  keyId: string;
  target: string;
  lifetime: Counters;
  // Map insertion order is time order (events arrive at about `now`; restore re-sorts), which
  // lets prune stop at the first bucket it keeps. A late event can sit behind a newer bucket
  // until that one expires; snapshot and persist filter by time, so it is never reported.
  minutes: Map<number, Counters>;
  hours: Map<number, Counters>;
}

function bucketFor<K>(map: Map<K, Counters>, k: K): Counters {
  let b = map.get(k);
  if (b === undefined) {
    b = newCounters();
    map.set(k, b);
  }
  return b;
}

// Drops buckets that end at or before `cutoff` (bucket [t, t+step) is kept while t+step > cutoff).
function dropBefore(map: Map<number, Counters>, cutoff: number, step: number): void {
  for (const t of map.keys()) {
    if (t + step > cutoff) break;
    map.delete(t);
  }
}

function sortedMap(map: Map<number, Counters>): Map<number, Counters> {
  return new Map([...map].sort((a, b) => a[0] - b[0]));
}

function floorTo(t: number, step: number): number {
  return Math.floor(t / step) * step;
}

/** Usage counters of the proxy, queryable for the admin UI and persisted across restarts. */
export class UsageStats {
  private readonly index = new Map<string, Map<string, Map<string, Series>>>();
  private readonly all: Series[] = [];
  private readonly logger: UsageLogger | undefined;
  private readonly now: () => number;
  private readonly maxSeries: number;
  private readonly write: (file: string, data: string) => Promise<void>;
  private lastPrune = -Infinity;
  private overflowWarned = false;
  // Persistence is a promise chain so writes never interleave; `queued` lets a burst of calls
  // share one write that starts after the running one, and `pending` lets the timer skip a tick.
  private tail: Promise<void> = Promise.resolve();
  private queued: { file: string; done: Promise<void> } | undefined;
  private pending = 0;
  private timer: NodeJS.Timeout | undefined;
  private autoFile: string | undefined;

  constructor(opts: UsageStatsOptions = {}) {
    this.logger = opts.logger;
    this.now = opts.now ?? Date.now;
    this.maxSeries = opts.maxSeries ?? DEFAULT_MAX_SERIES;
    this.write = opts.write ?? ((file, data) => writeFileAtomic(file, data));
  }

  /** Reads `file` into a new store (see `restore` for missing or corrupt files). */
  static async load(file: string, opts: UsageStatsOptions = {}): Promise<UsageStats> {
    const stats = new UsageStats(opts);
    await stats.restore(file);
    return stats;
  }

  /** Counts one finished request. Hot path: a few Map lookups and three counter updates. */
  record(e: UsageEvent): void {
    const now = this.now();
    // A future (clock skew) or NaN timestamp counts as now, so no bucket is created ahead of time.
    const at = e.at !== undefined && e.at < now ? e.at : now;
    const s = this.seriesFor(e.model, e.keyId, e.target ?? '');
    const ms = Number.isFinite(e.latencyMs) && e.latencyMs > 0 ? e.latencyMs : 0;
    const status = statusIndex(e.status);
    const hist = histIndex(ms);
    const saved = e.imageBytesSaved !== undefined && e.imageBytesSaved > 0 ? e.imageBytesSaved : 0;
    const cost = e.cost !== undefined && Number.isFinite(e.cost) && e.cost > 0 ? e.cost : 0;
    add(s.lifetime, status, hist, ms, e.usage, saved, cost);
    // Each event updates its minute and its hour bucket: the hour buckets are the roll-up of the
    // minutes without a roll-up pass, so hour queries never have to combine both kinds.
    const minute = floorTo(at, MINUTE_MS);
    if (minute + MINUTE_MS > now - MINUTE_RETENTION_MS)
      add(bucketFor(s.minutes, minute), status, hist, ms, e.usage, saved, cost);
    const hour = floorTo(at, HOUR_MS);
    if (hour + HOUR_MS > now - HOUR_RETENTION_MS) add(bucketFor(s.hours, hour), status, hist, ms, e.usage, saved, cost);
    if (now - this.lastPrune >= MINUTE_MS) this.prune(now);
  }

  /** Drops buckets older than their retention; runs by itself at most once a minute. */
  prune(now = this.now()): void {
    this.lastPrune = now;
    for (const s of this.all) {
      dropBefore(s.minutes, now - MINUTE_RETENTION_MS, MINUTE_MS);
      dropBefore(s.hours, now - HOUR_RETENTION_MS, HOUR_MS);
    }
  }

  /** Number of series and buckets held, for a memory gauge. */
  size(): { series: number; minuteBuckets: number; hourBuckets: number } {
    let minuteBuckets = 0;
    let hourBuckets = 0;
    for (const s of this.all) {
      minuteBuckets += s.minutes.size;
      hourBuckets += s.hours.size;
    }
    return { series: this.all.length, minuteBuckets, hourBuckets };
  }

  /** Aggregates the buckets matching `q` (default: the last 24 h, resolution 'auto'). */
  // The time range and bucket size a query covers.
  private range(q: UsageQuery, now: number): { from: number; to: number; resolution: 'minute' | 'hour'; step: number } {
    // Default end: the end of the current minute, so an event recorded at `now` is included.
    const to = q.to !== undefined && Number.isFinite(q.to) ? q.to : floorTo(now, MINUTE_MS) + MINUTE_MS;
    const from = q.from !== undefined && Number.isFinite(q.from) ? q.from : to - DEFAULT_SPAN_MS;
    const resolution =
      q.resolution === 'minute' || q.resolution === 'hour'
        ? q.resolution
        : to - from <= AUTO_MINUTE_SPAN_MS && from >= now - MINUTE_RETENTION_MS
          ? 'minute'
          : 'hour';
    return { from, to, resolution, step: resolution === 'minute' ? MINUTE_MS : HOUR_MS };
  }

  private matches(s: Series, q: UsageQuery): boolean {
    if ((q.model !== undefined && s.model !== q.model) || (q.keyId !== undefined && s.keyId !== q.keyId)) return false;
    return q.target === undefined || s.target === q.target;
  }

  /** One row per series and bucket (for CSV export), sorted by time, then model, key and target. */
  rows(q: UsageQuery = {}): UsageRow[] {
    const now = this.now();
    this.prune(now);
    const { from, to, resolution, step } = this.range(q, now);
    const out: UsageRow[] = [];
    for (const s of this.all) {
      if (!this.matches(s, q)) continue;
      for (const [t, b] of resolution === 'minute' ? s.minutes : s.hours) {
        if (t + step <= from || t >= to || b[REQUESTS] === 0) continue;
        out.push({ t, stepMs: step, model: s.model, keyId: s.keyId, target: s.target, ...toCounters(b) });
      }
    }
    return out.sort(
      (a, b) =>
        a.t - b.t ||
        a.model.localeCompare(b.model) ||
        a.keyId.localeCompare(b.keyId) ||
        a.target.localeCompare(b.target),
    );
  }

  snapshot(q: UsageQuery = {}): UsageReport {
    const now = this.now();
    this.prune(now);
    const { from, to, resolution, step } = this.range(q, now);
    const points = new Map<number, Counters>();
    const totals = newCounters();
    const byModel = new Map<string, Counters>();
    const byKey = new Map<string, Counters>();
    const byTarget = new Map<string, Counters>();
    for (const s of this.all) {
      if (!this.matches(s, q)) continue;
      const sum = newCounters();
      for (const [t, b] of resolution === 'minute' ? s.minutes : s.hours) {
        if (t + step <= from || t >= to) continue;
        merge(bucketFor(points, t), b);
        merge(sum, b);
      }
      if (sum[REQUESTS] === 0) continue;
      merge(totals, sum);
      merge(bucketFor(byModel, s.model), sum);
      merge(bucketFor(byKey, s.keyId), sum);
      merge(bucketFor(byTarget, s.target), sum);
    }
    // Object.fromEntries defines own properties, so a model named "__proto__" stays a plain key.
    const asRecord = (m: Map<string, Counters>) => Object.fromEntries([...m].map(([k, v]) => [k, toCounters(v)]));
    return {
      generatedAt: now,
      resolution,
      stepMs: step,
      from,
      to,
      series: [...points].sort((a, b) => a[0] - b[0]).map(([t, b]) => ({ t, ...toCounters(b) })),
      totals: toCounters(totals),
      byModel: asRecord(byModel),
      byKey: asRecord(byKey),
      byTarget: asRecord(byTarget),
    };
  }

  /** Lifetime totals of every series (monotonic across restarts once restored). */
  lifetime(): LifetimeSeries[] {
    return this.all.map((s) => ({
      model: s.model,
      keyId: s.keyId,
      target: s.target,
      counters: toCounters(s.lifetime),
    }));
  }

  /**
   * Writes the store to `file` atomically. Calls never overlap: a call made during a write waits
   * for it, and calls made meanwhile share the one write that follows (it sees all their events).
   */
  persist(file: string): Promise<void> {
    if (this.queued?.file === file) return this.queued.done;
    this.pending++;
    const done = this.tail.then(() => {
      if (this.queued?.done === done) this.queued = undefined;
      return this.writeNow(file);
    });
    this.queued = { file, done };
    this.tail = done.then(
      () => void this.pending--,
      () => void this.pending--,
    );
    return done;
  }

  /**
   * Adds the counters in `file` to this store (events recorded before the restore are kept).
   * A missing file starts empty; a corrupt one is renamed to `<file>.corrupt-<ts>` and logged.
   */
  async restore(file: string): Promise<RestoreResult> {
    const { result, series } = await readUsageFile(file, this.logger);
    const now = this.now();
    for (const d of series) {
      const s = this.seriesFor(d.model, d.keyId, d.target);
      merge(s.lifetime, d.lifetime);
      for (const [t, b] of d.minutes) if (t + MINUTE_MS > now - MINUTE_RETENTION_MS) merge(bucketFor(s.minutes, t), b);
      for (const [t, b] of d.hours) if (t + HOUR_MS > now - HOUR_RETENTION_MS) merge(bucketFor(s.hours, t), b);
      s.minutes = sortedMap(s.minutes);
      s.hours = sortedMap(s.hours);
    }
    return result;
  }

  /** Persists to `file` every `intervalMs`; the timer is unref'ed and skips a tick while a write runs. */
  startAutoPersist(file: string, intervalMs: number): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.autoFile = file;
    this.timer = setInterval(() => {
      if (this.pending > 0) return;
      this.persist(file).catch((err: unknown) => this.logger?.warn({ err, file }, 'usage stats persist failed'));
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and writes one last time; resolves (or rejects) with that final write. */
  async stopAutoPersist(): Promise<void> {
    if (this.timer === undefined || this.autoFile === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.persist(this.autoFile);
  }

  private async writeNow(file: string): Promise<void> {
    const now = this.now();
    this.prune(now);
    // Built and serialised before the first await, so the file is one consistent instant.
    const series = this.all.map((s): FileSeries => ({
      model: s.model,
      keyId: s.keyId,
      target: s.target,
      lifetime: s.lifetime,
      // prune may leave a late event's bucket behind a newer one; the filter drops it here.
      minutes: [...s.minutes].filter(([t]) => t + MINUTE_MS > now - MINUTE_RETENTION_MS),
      hours: [...s.hours].filter(([t]) => t + HOUR_MS > now - HOUR_RETENTION_MS),
    }));
    await this.write(file, encodeUsageFile(series, now));
  }

  private seriesFor(model: string, keyId: string, target: string): Series {
    let byKey = this.index.get(model);
    let byTarget = byKey?.get(keyId);
    const found = byTarget?.get(target);
    if (found !== undefined) return found;
    if (this.all.length >= this.maxSeries && model !== OVERFLOW_LABEL) {
      if (!this.overflowWarned)
        this.logger?.warn(
          { maxSeries: this.maxSeries },
          'usage series limit reached; folding new series into overflow',
        );
      this.overflowWarned = true;
      return this.seriesFor(OVERFLOW_LABEL, OVERFLOW_LABEL, OVERFLOW_LABEL);
    }
    if (byKey === undefined) this.index.set(model, (byKey = new Map()));
    if (byTarget === undefined) byKey.set(keyId, (byTarget = new Map()));
    const s: Series = { model, keyId, target, lifetime: newCounters(), minutes: new Map(), hours: new Map() };
    byTarget.set(target, s);
    this.all.push(s);
    return s;
  }
}
