// Usage statistics count every answer, the errors the gateway makes itself (unknown model, wrong
// key) as well as the upstream's, under the key that asked or "(unauthenticated)".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HELLO, proxyHarness } from '../harness/proxy-harness.js';

test('errors the gateway makes itself are counted in the usage statistics', async (t) => {
  const h = await proxyHarness(t);
  await h
    .sdk()
    .chat.completions.create({ ...HELLO, model: 'nope' })
    .catch(() => undefined);
  await h
    .sdk('wrong')
    .chat.completions.create(HELLO)
    .catch(() => undefined);
  h.sim.enqueue({ kind: 'status', status: 503 });
  await h
    .sdk()
    .chat.completions.create(HELLO)
    .catch(() => undefined);
  await h.sdk().chat.completions.create(HELLO);
  const stats = await h.stats();
  assert.deepEqual([stats.totals.requests, stats.totals.s2xx, stats.totals.s4xx, stats.totals.s5xx], [4, 1, 2, 1]);
  assert.equal(stats.byKey['(unauthenticated)']?.requests, 1);
  assert.equal(stats.byKey.main?.requests, 3);
});
