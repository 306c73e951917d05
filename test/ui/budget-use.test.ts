/**
 * A budget's use in its period: the spend counted for that period (UTC day, month or in total),
 * its ratio to the amount and how it looks (past the first alert, spent), and the alerts crossed
 * in the current period only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alertsThisPeriod, budgetUse, periodKey, periodSpend } from '../../admin/ui/js/governance-summary.js';

const usage = { spendToday: 12, spendThisMonth: 45, spendTotal: 300 };

test('the spend of the budget period, the ratio and the tone', () => {
  assert.equal(periodSpend('day', usage), 12);
  assert.equal(periodSpend('total', usage), 300);
  assert.equal(periodSpend('month', undefined), 0);
  assert.deepEqual(budgetUse({ budget: { amount: 100, period: 'month' } }, usage), {
    period: 'month',
    amount: 100,
    spend: 45,
    ratio: 0.45,
    tone: 'ok',
  });
  assert.equal(budgetUse({ budget: { amount: 80 } }, usage)?.tone, 'warn', 'the default alerts: 50 % passed');
  assert.equal(budgetUse({ budget: { amount: 100, period: 'month', alertAt: [0.9] } }, usage)?.tone, 'ok');
  assert.equal(budgetUse({ budget: { amount: 10, period: 'day' } }, usage)?.ratio, 1.2, 'overshoot is shown as it is');
  assert.equal(budgetUse({ budget: { amount: 10, period: 'day' } }, usage)?.tone, 'error');
  assert.equal(budgetUse({}, usage), undefined);
});

test('alerts of the current UTC period only, lowest first', () => {
  const now = Date.UTC(2026, 4, 31, 23, 30);
  assert.equal(periodKey('day', now), '2026-05-31');
  assert.equal(periodKey('month', now), '2026-05');
  assert.equal(periodKey('total', now), 'total');
  const alerts = [
    { scope: 'team:r', threshold: 1, period: '2026-05', at: '2026-05-30T10:00:00Z' },
    { scope: 'team:r', threshold: 0.5, period: '2026-05', at: '2026-05-02T10:00:00Z' },
    { scope: 'team:r', threshold: 0.8, period: '2026-04', at: '2026-04-20T10:00:00Z' },
    'junk',
  ];
  assert.deepEqual(alertsThisPeriod(alerts, { budget: { amount: 10, period: 'month' } }, now), [
    { threshold: 0.5, at: '2026-05-02T10:00:00Z' },
    { threshold: 1, at: '2026-05-30T10:00:00Z' },
  ]);
  assert.deepEqual(alertsThisPeriod(alerts, { budget: { amount: 10, period: 'day' } }, now), []);
  assert.deepEqual(alertsThisPeriod(undefined, {}, now), []);
});
