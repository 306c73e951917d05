import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EmbeddedLedger } from '../../proxy/governance/embedded-ledger.js';
import type { AdmissionPlan, ScopePlan } from '../../proxy/governance/state.js';

const log = { warn: () => undefined, info: () => undefined };
const key = (limits: ScopePlan['limits'], id = 'alice'): ScopePlan => ({
  scope: `key:${id}`,
  label: `key "${id}"`,
  limits,
});
const team = (limits: ScopePlan['limits']): ScopePlan => ({ scope: 'team:research', label: 'team "research"', limits });

test('N racing admissions against a limit of K admit exactly K, for every minute limit and across key and team', async () => {
  const cases: Array<{ plan: (id: string) => AdmissionPlan; k: number }> = [
    { plan: (id) => ({ keyId: id, scopes: [key({ requestsPerMinute: 17 }, id)], tokens: 0 }), k: 17 },
    { plan: (id) => ({ keyId: id, scopes: [key({ tokensPerMinute: 1000 }, id)], tokens: 30 }), k: 33 },
    { plan: (id) => ({ keyId: id, scopes: [key({ tokensPerDay: 500 }, id)], tokens: 50 }), k: 10 },
    { plan: (id) => ({ keyId: id, scopes: [key({ maxConcurrent: 5 }, id)], tokens: 0 }), k: 5 },
    // Two keys of one team: the team's limit of 9 holds for both together.
    {
      plan: (id) => ({
        keyId: id,
        scopes: [key({ requestsPerMinute: 100 }, id), team({ requestsPerMinute: 9 })],
        tokens: 0,
      }),
      k: 9,
    },
  ];
  for (const { plan, k } of cases) {
    const ledger = await EmbeddedLedger.open({ log });
    const now = Date.UTC(2026, 11, 4, 12);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => ledger.admit(plan(i % 2 ? 'alice' : 'bob'), now)),
    );
    const teamWide = plan('x').scopes.length > 1;
    // Per-key cases run two keys: each gets K; the team case shares K between them.
    assert.equal(results.filter((r) => r.ok).length, teamWide ? k : 2 * k, JSON.stringify(plan('x').scopes));
    await ledger.close();
  }
});

test('a refusal names the limit and gives the exact wait; a settled ticket frees its concurrency slot once', async () => {
  const ledger = await EmbeddedLedger.open({ log });
  const t0 = Date.UTC(2026, 11, 4, 12);
  const plan: AdmissionPlan = { keyId: 'alice', scopes: [key({ requestsPerMinute: 2, maxConcurrent: 1 })], tokens: 0 };
  const first = await ledger.admit(plan, t0);
  assert.ok(first.ok);
  const busy = await ledger.admit(plan, t0 + 1000);
  assert.ok(!busy.ok && busy.refusal.limit === 'maxConcurrent' && busy.refusal.code === 'rate_limit_exceeded');
  await ledger.settle(first.ticket, { tokens: 0, cost: 0 }, t0 + 1500);
  await ledger.settle(first.ticket, { tokens: 0, cost: 0 }, t0 + 1500);
  const second = await ledger.admit(plan, t0 + 2000);
  assert.ok(second.ok);
  assert.equal(ledger.view(t0 + 2000).scopes['key:alice']?.inFlight, 1, 'a double settle releases once');
  await ledger.settle(second.ticket, { tokens: 0, cost: 0 }, t0 + 2500);
  const third = await ledger.admit(plan, t0 + 3000);
  assert.ok(!third.ok);
  assert.equal(third.refusal.limit, 'requestsPerMinute');
  assert.equal(third.refusal.retryAfterMs, 57_000, 'the first request leaves the window at t0 + 60 s');
  assert.deepEqual(third.view.requests, { limit: 2, remaining: 0, resetMs: 59_000 });
});

test('settling corrects the token reservation to what Azure reported; a stream without usage keeps it', async () => {
  const ledger = await EmbeddedLedger.open({ log });
  const t0 = Date.UTC(2026, 11, 4, 12);
  const plan: AdmissionPlan = {
    keyId: 'alice',
    scopes: [key({ tokensPerMinute: 1000, tokensPerDay: 10_000 })],
    tokens: 400,
  };
  const a = await ledger.admit(plan, t0);
  const b = await ledger.admit(plan, t0);
  assert.ok(a.ok && b.ok);
  assert.equal(ledger.view(t0).scopes['key:alice']?.tokensLastMinute, 800);
  await ledger.settle(a.ticket, { tokens: 120, cost: 0 }, t0 + 1);
  await ledger.settle(b.ticket, { tokens: undefined, cost: 0 }, t0 + 1);
  const v = ledger.view(t0 + 2).scopes['key:alice'];
  assert.equal(v?.tokensLastMinute, 520);
  assert.equal(v?.tokensToday, 520);
  // 480 left in the minute: a 500-token request waits for the first entries to leave.
  const c = await ledger.admit({ ...plan, tokens: 500 }, t0 + 10);
  assert.ok(!c.ok && c.refusal.limit === 'tokensPerMinute');
  assert.equal(c.refusal.retryAfterMs, 60_000 - 10);
  const huge = await ledger.admit({ ...plan, tokens: 5000 }, t0 + 10);
  assert.ok(!huge.ok && huge.refusal.retryAfterMs === Infinity, 'a request larger than the limit can never pass');
});

test('day and month quotas refuse with insufficient_quota until the UTC period ends', async () => {
  const ledger = await EmbeddedLedger.open({ log });
  const t0 = Date.UTC(2026, 11, 31, 23, 0);
  const plan: AdmissionPlan = {
    keyId: 'alice',
    scopes: [key({ tokensPerDay: 100, tokensPerMonth: 1000 })],
    tokens: 60,
  };
  assert.ok((await ledger.admit(plan, t0)).ok);
  const refused = await ledger.admit(plan, t0 + 1);
  assert.ok(!refused.ok);
  assert.equal(refused.refusal.code, 'insufficient_quota');
  assert.equal(refused.refusal.limit, 'tokensPerDay');
  assert.equal(refused.refusal.retryAfterMs, Date.UTC(2027, 0, 1) - t0 - 1);
  assert.ok((await ledger.admit(plan, Date.UTC(2027, 0, 1))).ok, 'a new day and a new month');
});
