/**
 * The Usage page's report: every counter present (percentiles null without requests, cost 0
 * without a price), every bucket of the range for the charts, the query of a range ending now, and
 * the server's CSV of the same query.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asReport, count, csvHref, dense, reportQuery } from '../../admin/ui/js/pages/usage/report.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12, 0);

const report = asReport({
  from: T0 + 30_000,
  to: T0 + 3 * MIN,
  stepMs: MIN,
  resolution: 'minute',
  series: [
    { t: T0 + MIN, requests: 2, s2xx: 1, s429: 1, latencySumMs: 300, latencyP50Ms: 120, latencyP95Ms: 180 },
    'junk',
  ],
  totals: { requests: 2, s2xx: 1, s429: 1, cost: 0.0125 },
  byModel: { 'gpt-4o-mini': { requests: 2 } },
});

test('the answer is narrowed: absent counters are 0, absent percentiles null', () => {
  assert.equal(report.series.length, 1);
  assert.equal(count(report.totals, 'requests'), 2);
  assert.equal(count(report.totals, 'promptTokens'), 0);
  assert.equal(report.totals.latencyP95Ms, null);
  assert.equal(count(report.totals, 'cost'), 0.0125);
  assert.equal(count(report.byModel['gpt-4o-mini'], 'cost'), 0);
  assert.equal(count(undefined, 'requests'), 0);
  assert.deepEqual(Object.keys(report.byModel), ['gpt-4o-mini']);
  assert.deepEqual(report.byKey, {});
  const junk = asReport('not a report');
  assert.equal(junk.stepMs, 60_000);
  assert.deepEqual(junk.series, []);
});

test('buckets cover the range from its first step, with the empty ones', () => {
  const { x, at } = dense(report);
  assert.deepEqual(x, [T0, T0 + MIN, T0 + 2 * MIN]);
  assert.equal(at(0), undefined);
  assert.equal(count(at(1), 's429'), 1);
  assert.equal(at(2), undefined);
});

test('the CSV comes from the server, for the same query', () => {
  const query = reportQuery('24h', 'gpt-4o', 'key 1', T0);
  assert.equal(csvHref(query), `/admin/api/usage?format=csv&from=${T0 - 86_400_000}&to=${T0}&model=gpt-4o&key=key+1`);
});

test('the query: the range back from now, to the end of the current minute, with the filters', () => {
  const now = T0 + 90_000;
  assert.equal(String(reportQuery('1h', '', '', now)), `from=${now - 3_600_000}&to=${T0 + 2 * MIN}`);
  assert.equal(
    String(reportQuery('24h', 'gpt-4o', 'key-1', now)),
    `from=${now - 86_400_000}&to=${T0 + 2 * MIN}&model=gpt-4o&key=key-1`,
  );
});
