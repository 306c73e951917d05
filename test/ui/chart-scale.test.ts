/** The charts' arithmetic: round axis ticks, the height of each bucket, lines with gaps. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketTotals, linePath, niceTicks } from '../../admin/ui/js/components/chart-scale.js';

test('ticks are 1, 2, 2.5 or 5 times a power of ten, from 0 past the maximum', () => {
  assert.deepEqual(niceTicks(0), [0, 1]);
  assert.deepEqual(niceTicks(1234), [0, 500, 1000, 1500]);
  assert.deepEqual(niceTicks(0.9), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(niceTicks(7, 4, true), [0, 2, 4, 6, 8]);
  assert.deepEqual(niceTicks(3, 4, true), [0, 1, 2, 3]);
});

test('stacked buckets add up, lines take the highest value; gaps lift the pen', () => {
  const series = [{ values: [1, null, 2] }, { values: [3, 4] }];
  assert.deepEqual(bucketTotals('stacked', 3, series), [4, 4, 2]);
  assert.deepEqual(bucketTotals('lines', 3, series), [3, 4, 2]);
  assert.equal(
    linePath(
      [1, null, 2, 3],
      (i) => i * 10,
      (v) => v,
    ),
    'M0.0,1.0M20.0,2.0L30.0,3.0',
  );
  assert.equal(
    linePath(
      [null, null],
      (i) => i,
      (v) => v,
    ),
    '',
  );
});
