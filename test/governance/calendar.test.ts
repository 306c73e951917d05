import { test } from 'node:test';
import assert from 'node:assert/strict';
import { periodEnd, periodKey } from '../../proxy/governance/calendar.js';

test('day and month periods are UTC calendar periods; total never ends', () => {
  const at = Date.UTC(2026, 11, 31, 23, 59, 59, 999);
  assert.equal(periodKey('day', at), '2026-12-31');
  assert.equal(periodKey('month', at), '2026-12');
  assert.equal(periodKey('total', at), 'total');
  assert.equal(periodEnd('day', at), Date.UTC(2027, 0, 1));
  assert.equal(periodEnd('month', at), Date.UTC(2027, 0, 1));
  assert.equal(periodEnd('month', Date.UTC(2027, 1, 10)), Date.UTC(2027, 2, 1));
  assert.equal(periodEnd('total', at), Infinity);
});
