/** A rotation's grace period as typed (a number and a unit) in seconds: 0 to 30 days, empty is 0. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graceSeconds } from '../../admin/ui/js/pages/keys/key-body.js';

test('minutes, hours and days in seconds; beyond 30 days or below 0 cannot be sent', () => {
  assert.equal(graceSeconds('', 'hours'), 0);
  assert.equal(graceSeconds('0', 'days'), 0);
  assert.equal(graceSeconds('90', 'minutes'), 5400);
  assert.equal(graceSeconds('24', 'hours'), 86_400);
  assert.equal(graceSeconds('1.5', 'hours'), 5400);
  assert.equal(graceSeconds('30', 'days'), 2_592_000);
  assert.equal(graceSeconds('31', 'days'), undefined);
  assert.equal(graceSeconds('-1', 'hours'), undefined);
  assert.equal(graceSeconds('soon', 'hours'), undefined);
});
