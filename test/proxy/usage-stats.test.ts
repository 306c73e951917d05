// UsageStats in memory: exact counters, status classes, percentiles, roll-up, retention, queries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  HOUR_MS,
  LATENCY_BOUNDS_MS,
  MINUTE_MS,
  OVERFLOW_LABEL,
  UsageStats,
  estimatePercentile,
  type UsageEvent,
} from '../../proxy/usage/stats.js';

const T0 = Date.UTC(2025, 0, 1); // an hour boundary
const DAY_MS = 24 * HOUR_MS;

function clocked(start = T0): { stats: UsageStats; set(t: number): void } {
  let now = start;
  return { stats: new UsageStats({ now: () => now }), set: (t) => void (now = t) };
}

const ev = (over: Partial<UsageEvent> = {}): UsageEvent => ({
  model: 'gpt-4o',
  keyId: 'k1',
  target: 'east',
  status: 200,
  latencyMs: 80,
  ...over,
});
const tokens = (prompt: number, completion: number, cached = 0, reasoning = 0) => ({
  prompt,
  completion,
  total: prompt + completion,
  cached,
  reasoning,
});

test('counts requests, disjoint status classes, tokens, bytes saved and latency exactly', () => {
  const { stats } = clocked();
  const statuses = [200, 200, 201, 204, 299, 404, 429, 429, 500, 503, 0, 302];
  statuses.forEach((status, i) => stats.record(ev({ status, latencyMs: 10 * (i + 1), at: T0 + i })));
  stats.record(ev({ usage: tokens(100, 20, 64, 5), imageBytesSaved: 1000, latencyMs: 3000, at: T0 + 20 }));
  stats.record(ev({ usage: tokens(7, 3), imageBytesSaved: 24, latencyMs: 70_000, at: T0 + 21 }));
  const t = stats.snapshot({ from: T0, to: T0 + HOUR_MS }).totals;
  assert.equal(t.requests, 14);
  assert.deepEqual([t.s2xx, t.s4xx, t.s429, t.s5xx, t.sOther], [7, 1, 2, 2, 2]);
  assert.equal(t.s2xx + t.s4xx + t.s429 + t.s5xx + t.sOther, t.requests);
  assert.deepEqual(
    [t.promptTokens, t.completionTokens, t.totalTokens, t.cachedTokens, t.reasoningTokens],
    [107, 23, 130, 64, 5],
  );
  assert.equal(t.imageBytesSaved, 1024);
  assert.equal(t.latencySumMs, 780 + 3000 + 70_000);
  assert.equal(t.latencyMaxMs, 70_000);
  // 10,20,..,50 ≤ 50; 60..100 ≤ 100; 110,120 ≤ 250; 3000 ≤ 5000; 70000 → +Inf
  assert.deepEqual(t.latencyHistogram, [5, 5, 2, 0, 0, 0, 1, 0, 0, 0, 1]);
  assert.equal(t.latencyHistogram.length, LATENCY_BOUNDS_MS.length + 1);
});

test('bad latencies and negative byte counts do not poison the counters', () => {
  const { stats } = clocked();
  stats.record(ev({ latencyMs: Number.NaN, imageBytesSaved: -5 }));
  stats.record(ev({ latencyMs: -3 }));
  const t = stats.snapshot().totals;
  assert.equal(t.latencySumMs, 0);
  assert.equal(t.imageBytesSaved, 0);
  assert.equal(t.latencyHistogram[0], 2);
});

test('without raw samples, percentiles are the middle of the bucket that holds them, with its half-width as the bound', () => {
  const { stats } = clocked();
  for (let i = 0; i < 90; i++) stats.record(ev({ latencyMs: 80 }));
  for (let i = 0; i < 10; i++) stats.record(ev({ latencyMs: 3000 }));
  const t = stats.snapshot().totals;
  // Rank 50 lies in (50, 100]: 75 ± 25 holds the true 80.
  assert.equal(t.latencyP50Ms, 75);
  assert.equal(t.latencyP50ErrorPct, 33.4);
  // Rank 95 lies in (2500, 5000], cut at the maximum 3000: 2750 ± 250.
  assert.equal(t.latencyP95Ms, 2750);
  assert.equal(t.latencyP95ErrorPct, 9.1);
  assert.equal(t.latencyP99Ms, 2750);
  // The +Inf bucket ends at the observed maximum.
  const hist = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4];
  assert.deepEqual(estimatePercentile(hist, 90_000, 0.5), { ms: 75_000, errorPct: 20 });
  assert.equal(estimatePercentile(new Array<number>(11).fill(0), 0, 0.5), null);
});

test('minute buckets roll up into hour buckets, and each is pruned at its retention', () => {
  const { stats, set } = clocked(T0 + 70 * MINUTE_MS);
  stats.record(ev({ at: T0 + 5 * MINUTE_MS + 1234, usage: tokens(10, 1) }));
  stats.record(ev({ at: T0 + 5 * MINUTE_MS + 9999, usage: tokens(10, 1) }));
  stats.record(ev({ at: T0 + 65 * MINUTE_MS, usage: tokens(5, 5) }));
  const minutes = stats.snapshot({ from: T0, to: T0 + 2 * HOUR_MS, resolution: 'minute' });
  assert.deepEqual(
    minutes.series.map((p) => [p.t, p.requests, p.totalTokens]),
    [
      [T0 + 5 * MINUTE_MS, 2, 22],
      [T0 + 65 * MINUTE_MS, 1, 10],
    ],
  );
  const hours = stats.snapshot({ from: T0, to: T0 + 2 * HOUR_MS, resolution: 'hour' });
  assert.deepEqual(
    hours.series.map((p) => [p.t, p.requests, p.totalTokens]),
    [
      [T0, 2, 22],
      [T0 + HOUR_MS, 1, 10],
    ],
  );
  assert.deepEqual(stats.size(), { series: 1, minuteBuckets: 2, hourBuckets: 2 });

  // 48 h later the first minute bucket (ending T0+6 min) is gone, the one at T0+65 min is not.
  set(T0 + 48 * HOUR_MS + 30 * MINUTE_MS);
  stats.record(ev({ model: 'other' })); // record prunes by itself (once a minute)
  assert.deepEqual(stats.size(), { series: 2, minuteBuckets: 2, hourBuckets: 3 });
  const after = stats.snapshot({ from: T0, to: T0 + 2 * HOUR_MS, resolution: 'minute', model: 'gpt-4o' });
  assert.deepEqual(
    after.series.map((p) => p.t),
    [T0 + 65 * MINUTE_MS],
  );
  assert.equal(stats.snapshot({ from: T0, to: T0 + 2 * HOUR_MS, resolution: 'hour' }).totals.requests, 3);

  // After 90 days the hour buckets go too; lifetime totals stay.
  set(T0 + 90 * DAY_MS + 2 * HOUR_MS);
  stats.prune();
  assert.equal(stats.snapshot({ from: T0, to: T0 + 2 * HOUR_MS, resolution: 'hour' }).series.length, 0);
  assert.equal(stats.size().hourBuckets, 1); // the 'other' event's hour, 88 days old
  const life = stats.lifetime().find((s) => s.model === 'gpt-4o');
  assert.equal(life?.counters.requests, 3);
  assert.equal(life?.counters.totalTokens, 32);
});

test('a future or NaN timestamp counts as now', () => {
  const { stats } = clocked(T0 + 30 * MINUTE_MS);
  stats.record(ev({ at: T0 + 5 * HOUR_MS }));
  stats.record(ev({ at: Number.NaN }));
  const r = stats.snapshot({ from: T0, to: T0 + DAY_MS, resolution: 'minute' });
  assert.deepEqual(
    r.series.map((p) => [p.t, p.requests]),
    [[T0 + 30 * MINUTE_MS, 2]],
  );
});

test('an event older than retention counts only in lifetime totals', () => {
  const { stats } = clocked(T0 + 100 * DAY_MS);
  stats.record(ev({ at: T0 }));
  assert.deepEqual(stats.size(), { series: 1, minuteBuckets: 0, hourBuckets: 0 });
  assert.equal(stats.lifetime()[0]?.counters.requests, 1);
});

test('query filters by model, key, target and time; groups by model, key and target', () => {
  const { stats } = clocked(T0 + HOUR_MS);
  stats.record(ev({ model: 'a', keyId: 'k1', target: 't1', at: T0 + 10 * MINUTE_MS, usage: tokens(1, 1) }));
  stats.record(ev({ model: 'a', keyId: 'k2', target: 't2', at: T0 + 20 * MINUTE_MS, usage: tokens(2, 2) }));
  stats.record(ev({ model: 'b', keyId: 'k1', target: undefined, status: 401, at: T0 + 30 * MINUTE_MS }));
  stats.record(ev({ model: 'b', keyId: 'k2', target: 't1', at: T0 + 40 * MINUTE_MS, usage: tokens(4, 4) }));

  const all = stats.snapshot();
  assert.equal(all.totals.requests, 4);
  assert.deepEqual(Object.keys(all.byModel).sort(), ['a', 'b']);
  assert.equal(all.byModel.a?.totalTokens, 6);
  assert.equal(all.byKey.k1?.requests, 2);
  assert.equal(all.byTarget['']?.s4xx, 1); // never reached an upstream
  assert.equal(all.byTarget.t1?.totalTokens, 10);

  assert.equal(stats.snapshot({ model: 'a' }).totals.totalTokens, 6);
  assert.equal(stats.snapshot({ keyId: 'k2' }).totals.totalTokens, 12);
  assert.equal(stats.snapshot({ target: '' }).totals.requests, 1);
  const one = stats.snapshot({ model: 'b', keyId: 'k2', target: 't1' });
  assert.deepEqual([one.totals.requests, Object.keys(one.byKey)], [1, ['k2']]);
  assert.equal(stats.snapshot({ model: 'nope' }).series.length, 0);
  // `to` is exclusive and buckets overlapping [from, to) count.
  const range = stats.snapshot({ from: T0 + 20 * MINUTE_MS + 30_000, to: T0 + 40 * MINUTE_MS, resolution: 'minute' });
  assert.deepEqual(
    range.series.map((p) => p.t),
    [T0 + 20 * MINUTE_MS, T0 + 30 * MINUTE_MS],
  );
});

test("'auto' picks minutes for short recent spans and hours otherwise", () => {
  const { stats } = clocked(T0 + 3 * DAY_MS);
  const now = T0 + 3 * DAY_MS;
  const r1 = stats.snapshot();
  assert.deepEqual([r1.resolution, r1.stepMs, r1.to, r1.to - r1.from], ['hour', HOUR_MS, now + MINUTE_MS, DAY_MS]);
  assert.equal(stats.snapshot({ from: now - HOUR_MS }).resolution, 'minute');
  assert.equal(stats.snapshot({ from: now - 47 * HOUR_MS, to: now - 46 * HOUR_MS }).resolution, 'minute');
  assert.equal(stats.snapshot({ from: now - 49 * HOUR_MS, to: now - 48.5 * HOUR_MS }).resolution, 'hour');
  assert.equal(stats.snapshot({ from: now - HOUR_MS, resolution: 'hour' }).resolution, 'hour');
});

test('a model named __proto__ is a plain key in the report', () => {
  const { stats } = clocked();
  stats.record(ev({ model: '__proto__' }));
  const r = stats.snapshot();
  assert.ok(Object.hasOwn(r.byModel, '__proto__'));
  assert.equal(Object.getPrototypeOf(r.byModel), Object.prototype);
  assert.equal(JSON.parse(JSON.stringify(r)).byModel.__proto__.requests, 1);
});

test('series beyond maxSeries fold into one overflow series, with one warning', () => {
  const warnings: string[] = [];
  const stats = new UsageStats({ maxSeries: 2, now: () => T0, logger: { warn: (_o, msg) => warnings.push(msg) } });
  for (let i = 0; i < 50; i++) stats.record(ev({ model: `m${i}` }));
  const models = stats.lifetime().map((s) => s.model);
  assert.deepEqual(models, ['m0', 'm1', OVERFLOW_LABEL]);
  assert.equal(stats.lifetime()[2]?.counters.requests, 48);
  assert.equal(warnings.length, 1);
});
