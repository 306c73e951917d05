import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EmbeddedLedger } from '../../proxy/governance/embedded-ledger.js';
import type { AdmissionPlan } from '../../proxy/governance/state.js';

test('a budget is never refused below its amount, refuses once spend reaches it, and alerts once per threshold', async () => {
  const warnings: Array<{ obj: Record<string, unknown>; msg: string }> = [];
  const log = {
    warn: (obj: object, msg: string) => warnings.push({ obj: obj as Record<string, unknown>, msg }),
    info: () => undefined,
  };
  const ledger = await EmbeddedLedger.open({ log });
  const t0 = Date.UTC(2026, 11, 4, 12);
  const plan: AdmissionPlan = {
    keyId: 'alice',
    scopes: [
      {
        scope: 'key:alice',
        label: 'key "alice"',
        limits: {},
        budget: { amount: 1, period: 'month', alertAt: [0.5, 0.8] },
      },
    ],
    tokens: 0,
  };
  // Ten requests of 0.099: spend 0.99 stays below the budget, so all are admitted.
  for (let i = 0; i < 10; i++) {
    const a = await ledger.admit(plan, t0 + i);
    assert.ok(a.ok, `request ${i} below the budget`);
    await ledger.settle(a.ticket, { cost: 0.099 }, t0 + i);
  }
  assert.deepEqual(
    warnings.map((w) => w.obj.threshold),
    [0.5, 0.8],
    'each threshold once',
  );
  // Two admitted together may overshoot: both finish.
  const x = await ledger.admit(plan, t0 + 20);
  const y = await ledger.admit(plan, t0 + 20);
  assert.ok(x.ok && y.ok);
  await ledger.settle(x.ticket, { cost: 0.05 }, t0 + 21);
  await ledger.settle(y.ticket, { cost: 0.05 }, t0 + 21);
  assert.deepEqual(
    warnings.map((w) => w.obj.threshold),
    [0.5, 0.8, 1],
  );
  const refused = await ledger.admit(plan, t0 + 30);
  assert.ok(!refused.ok);
  assert.equal(refused.refusal.limit, 'budget');
  assert.equal(refused.refusal.code, 'insufficient_quota');
  assert.equal(refused.refusal.retryAfterMs, Date.UTC(2027, 0, 1) - (t0 + 30));
  const view = ledger.view(t0 + 30);
  assert.ok(Math.abs((view.scopes['key:alice']?.spendThisMonth ?? 0) - 1.09) < 1e-9);
  assert.deepEqual(
    view.alerts.map((a) => a.threshold),
    [0.5, 0.8, 1],
  );
  assert.ok((await ledger.admit(plan, Date.UTC(2027, 0, 1))).ok, 'the next month starts with nothing spent');
});
