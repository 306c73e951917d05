/** The short summary of a key's or team's limits and budget in the lists, in each language. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setLang } from '../../admin/ui/js/i18n.js';
import { limitsSummary } from '../../admin/ui/js/governance-summary.js';

test('each limit set, in the form order, then the budget in the currency', (t) => {
  t.after(() => setLang('en'));
  setLang('en');
  const entry = {
    limits: { maxConcurrent: 8, requestsPerMinute: 60, tokensPerMinute: 60_000, tokensPerMonth: 5_000_000 },
    budget: { amount: 100, period: 'day' },
  };
  assert.equal(limitsSummary(entry, 'USD'), '60 req/min · 60K tok/min · 5M tok/month · 8 concurrent · $100.00/day');
  assert.equal(limitsSummary({ budget: { amount: 2000 } }, 'EUR'), '€2,000.00/month');
  assert.equal(limitsSummary({}, 'USD'), '');
  setLang('zh-CN');
  assert.equal(
    limitsSummary({ limits: { tokensPerDay: 20_000_000 }, budget: { amount: 5, period: 'total' } }, 'CNY'),
    '2000万 令牌/天 · 总计 ¥5.00',
  );
});
