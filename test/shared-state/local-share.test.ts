// While Redis is away each of N replicas admits 1/N of every minute and concurrency limit and
// 1/N of what was left of each quota and budget (docs/shared-state.md, "When Redis is down or slow").
import assert from 'node:assert/strict';
import test from 'node:test';
import { localShare } from '../../proxy/shared-state/local-share.js';
import type { AdmissionPlan, ScopeUsage } from '../../proxy/governance/state.js';

const used: ScopeUsage = {
  requestsLastMinute: 0,
  tokensLastMinute: 0,
  tokensToday: 4_000,
  tokensThisMonth: 10_000,
  inFlight: 0,
  spendToday: 1,
  spendThisMonth: 40,
  spendTotal: 90,
};

test('three replicas split minute limits, concurrency, what is left of quotas and of the budget', () => {
  const plan: AdmissionPlan = {
    keyId: 'alice',
    tokens: 10,
    scopes: [
      {
        scope: 'key:alice',
        label: 'key "alice"',
        limits: {
          requestsPerMinute: 100,
          tokensPerMinute: 10_000,
          tokensPerDay: 10_000,
          tokensPerMonth: 100_000,
          maxConcurrent: 8,
        },
        budget: { amount: 100, period: 'month', alertAt: [0.5] },
      },
    ],
  };
  const [share] = localShare(plan, 3, () => used).scopes;
  assert.deepEqual(share?.limits, {
    requestsPerMinute: 33,
    tokensPerMinute: 3_333,
    maxConcurrent: 2,
    tokensPerDay: 2_000,
    tokensPerMonth: 30_000,
  });
  assert.deepEqual(share?.budget, { amount: 20, period: 'month', alertAt: [] });
});

test('a share never drops a minute or concurrency limit below 1, and a used-up quota stays used up', () => {
  const plan: AdmissionPlan = {
    keyId: 'bob',
    tokens: 0,
    scopes: [
      { scope: 'key:bob', label: 'key "bob"', limits: { requestsPerMinute: 2, maxConcurrent: 1, tokensPerDay: 3_000 } },
    ],
  };
  const [share] = localShare(plan, 4, () => used).scopes;
  assert.deepEqual(share?.limits, { requestsPerMinute: 1, maxConcurrent: 1, tokensPerDay: 0 });
});
