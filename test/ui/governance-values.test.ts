/**
 * The limits and budget inputs of a key or team and their part of a request body: empty inputs
 * set nothing, numbers may be grouped, alerts are typed in percent and sent as fractions, and what
 * cannot be sent is named by the path of its field. A stored entry fills the inputs back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setLang } from '../../admin/ui/js/i18n.js';
import { changedFields, governanceBody, governanceValues } from '../../admin/ui/js/governance-values.js';

setLang('en');

const blank = governanceValues({});

test('empty inputs: no limits and no budget', () => {
  assert.deepEqual(blank, {
    limits: { requestsPerMinute: '', tokensPerMinute: '', tokensPerDay: '', tokensPerMonth: '', maxConcurrent: '' },
    budgetAmount: '',
    budgetPeriod: 'month',
    budgetAlerts: '',
  });
  assert.deepEqual(governanceBody(blank), { problems: [] });
});

test('typed values become limits, and a budget with fractions for the percentages', () => {
  const body = governanceBody({
    limits: { ...blank.limits, requestsPerMinute: ' 60 ', tokensPerMonth: '5,000,000', maxConcurrent: '8' },
    budgetAmount: '100.5',
    budgetPeriod: 'day',
    budgetAlerts: '80, 50%，70',
  });
  assert.deepEqual(body, {
    limits: { requestsPerMinute: 60, tokensPerMonth: 5_000_000, maxConcurrent: 8 },
    budget: { amount: 100.5, period: 'day', alertAt: [0.5, 0.7, 0.8] },
    problems: [],
  });
});

test('what cannot be sent is named by its field', () => {
  const body = governanceBody({
    limits: { ...blank.limits, requestsPerMinute: '0', tokensPerMinute: '1.5', tokensPerDay: 'lots' },
    budgetAmount: '-3',
    budgetPeriod: 'month',
    budgetAlerts: '50, 100',
  });
  assert.deepEqual(body.problems, [
    { path: '/limits/requestsPerMinute', message: 'Enter a whole number of 1 or more, or leave it empty.' },
    { path: '/limits/tokensPerMinute', message: 'Enter a whole number of 1 or more, or leave it empty.' },
    { path: '/limits/tokensPerDay', message: 'Enter a whole number of 1 or more, or leave it empty.' },
    { path: '/budget/amount', message: 'Enter an amount above 0.' },
    { path: '/budget/alertAt', message: 'Enter percentages between 0 and 100, separated by commas.' },
  ]);
});

test('a stored entry fills the inputs, and sending them again gives the same values', () => {
  const stored = {
    limits: { tokensPerDay: 20_000_000, requestsPerMinute: 600 },
    budget: { amount: 2000, period: 'total', alertAt: [0.7, 0.9] },
  };
  const values = governanceValues(stored);
  assert.equal(values.limits.tokensPerDay, '20000000');
  assert.equal(
    values.budgetAlerts,
    '70, 90',
    'fractions shown as whole percentages (0.7 × 100 is not 70.00000000000001)',
  );
  assert.equal(values.budgetPeriod, 'total');
  const { problems, ...sent } = governanceBody(values);
  assert.deepEqual(problems, []);
  assert.deepEqual(changedFields(stored, sent), {}, 'nothing changed, whatever the order of the stored keys');
});

test('a PATCH carries what changed, and null for what is no longer set', () => {
  const before = { label: 'Old', limits: { requestsPerMinute: 60 }, budget: { amount: 5, period: 'day' } };
  assert.deepEqual(changedFields(before, { label: 'Old', limits: { requestsPerMinute: 30 }, budget: undefined }), {
    limits: { requestsPerMinute: 30 },
    budget: null,
  });
  assert.deepEqual(changedFields({}, { label: undefined, owner: 'x' }), { owner: 'x' });
});
