/**
 * Latency percentiles against known durations: exact (nearest rank, so each is the duration of a
 * request the request log lists) for every group whose requests the log still holds, and the
 * histogram's estimate with its error bound for a group it does not.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RequestLog } from '../../proxy/observe/request-log.js';
import { recordCall } from '../../proxy/usage/accounting.js';
import { nearestRank, withExactLatency } from '../../proxy/usage/exact-latency.js';
import { UsageStats } from '../../proxy/usage/stats.js';

function call(sinks: { usage: UsageStats; requests?: RequestLog }, i: number, model: string, latencyMs: number): void {
  recordCall(sinks, {
    acc: { imageBytesSaved: 0, model },
    keyId: 'main',
    status: 200,
    latencyMs,
    request: { id: `req-${model}-${i}`, method: 'POST', path: '/v1/chat/completions' },
  });
}

test('nearest rank: the value of rank ceil(q·n)', () => {
  const sorted = Array.from({ length: 100 }, (_, i) => (i + 1) * 10);
  assert.deepEqual(
    [0.5, 0.95, 0.99, 1].map((q) => nearestRank(sorted, q)),
    [500, 950, 990, 1000],
  );
  assert.equal(nearestRank([7], 0.95), 7);
  assert.equal(nearestRank([1, 2, 3], 0.5), 2);
});

test('percentiles are exact for every group the request log holds', () => {
  const usage = new UsageStats();
  const requests = new RequestLog();
  // 10, 20, …, 1000 ms in a shuffled order, and three slow requests of another model.
  const durations = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) * 10 + 10);
  durations.forEach((ms, i) => call({ usage, requests }, i, 'fast', ms));
  for (let i = 0; i < 3; i++) call({ usage, requests }, i, 'slow', 2000 + i);
  const report = withExactLatency(usage.snapshot(), requests, {});

  const fast = report.byModel.fast!;
  assert.deepEqual([fast.latencyP50Ms, fast.latencyP95Ms, fast.latencyP99Ms, fast.latencyMaxMs], [500, 950, 990, 1000]);
  assert.deepEqual([fast.latencyP50ErrorPct, fast.latencyP95ErrorPct, fast.latencyP99ErrorPct], [0, 0, 0]);
  // The slow model's p50 is one of its own requests, not a point inside the (1000, 2500] bucket.
  const slow = report.byModel.slow!;
  assert.deepEqual([slow.latencyP50Ms, slow.latencyP95Ms, slow.latencyMaxMs], [2001, 2002, 2002]);
  // 103 requests: rank 52 is 520 ms, rank 98 is 980, rank 102 is 2001.
  assert.deepEqual(
    [report.totals.latencyP50Ms, report.totals.latencyP95Ms, report.totals.latencyP99Ms],
    [520, 980, 2001],
  );
  assert.equal(report.byKey.main?.latencyP95Ms, 980);
  for (const point of report.series) assert.equal(point.latencyP95ErrorPct, 0);
});

test('a group with requests the log does not hold keeps the estimate and its bound', () => {
  const usage = new UsageStats();
  const requests = new RequestLog(2);
  // Three requests of 80 ms, but the log keeps only the last two.
  for (let i = 0; i < 3; i++) call({ usage, requests }, i, 'm', 80);
  const report = withExactLatency(usage.snapshot(), requests, {});
  const m = report.byModel.m!;
  assert.deepEqual([m.latencyP95Ms, m.latencyP95ErrorPct, m.latencyMaxMs], [65, 23.1, 80]);
  // Requests counted without the log (restored from usage.json) are not in it either.
  const restored = new UsageStats();
  call({ usage: restored }, 0, 'm', 300);
  const answer = withExactLatency(restored.snapshot(), new RequestLog(), {});
  assert.deepEqual([answer.totals.latencyP50Ms, answer.totals.latencyP50ErrorPct], [275, 9.1]);
});
