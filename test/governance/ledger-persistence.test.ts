import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedLedger } from '../../proxy/governance/embedded-ledger.js';
import type { AdmissionPlan } from '../../proxy/governance/state.js';

const log = { warn: () => undefined, info: () => undefined };

test('month usage, spend, alerts and last use survive a restart; the file is written within a second and is 0600', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gw-ledger-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'governance.json');
  const plan: AdmissionPlan = {
    keyId: 'alice',
    scopes: [
      {
        scope: 'key:alice',
        label: 'key "alice"',
        limits: { tokensPerMonth: 1000 },
        budget: { amount: 2, period: 'month', alertAt: [0.5] },
      },
    ],
    tokens: 0,
  };
  const first = await EmbeddedLedger.open({ file, log, flushIntervalMs: 50 });
  for (let i = 0; i < 3; i++) {
    const a = await first.admit(plan);
    assert.ok(a.ok);
    await first.settle(a.ticket, { tokens: 300, cost: 0.5 });
  }
  // No close(): the periodic flush alone must have written it (a kill -9 loses at most one interval).
  await new Promise((r) => setTimeout(r, 300));
  const stat = await fs.stat(file);
  assert.equal(stat.mode & 0o777, 0o600);
  const second = await EmbeddedLedger.open({ file, log });
  t.after(() => second.close());
  await first.close();
  const v = second.view().scopes['key:alice'];
  assert.equal(v?.tokensThisMonth, 900);
  assert.equal(v?.spendThisMonth, 1.5);
  assert.ok(second.view().lastUsed.alice);
  assert.deepEqual(
    second.view().alerts.map((a) => a.threshold),
    [0.5],
  );
  const refused = await second.admit({ ...plan, tokens: 200 });
  assert.ok(!refused.ok && refused.refusal.limit === 'tokensPerMonth', 'the restored month use still counts');
});
