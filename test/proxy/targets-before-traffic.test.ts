// A target shows in the targets view as soon as it is configured, healthy with no requests,
// before any traffic reaches it (the admin's overview lists it at once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { proxyHarness } from '../harness/proxy-harness.js';

test('every configured target is listed before its first request', async (t) => {
  const h = await proxyHarness(t);
  const res = await fetch(`${h.internalUrl}/internal/targets`);
  const targets = ((await res.json()) as { targets: Record<string, { state: string; successes: number }> }).targets;
  assert.deepEqual(targets['foundry/dep-4o-mini'], {
    state: 'healthy',
    consecutiveFailures: 0,
    successes: 0,
    failures: 0,
  });
  assert.equal(targets['keyed/dep-5-mini']?.state, 'healthy');
  assert.equal(targets['keyed/dep-embed']?.successes, 0);
});
