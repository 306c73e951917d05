// A Redis that stops answering (paused, connections open) must not hold requests: each waits at
// most server.sharedState.timeoutMs, then the proxy serves with local counters, /readyz stays
// ready and reports degraded, and shared counting resumes when Redis answers again.
import assert from 'node:assert/strict';
import test from 'node:test';
import { proxyHarness, HEALTH_KEY, HELLO } from '../harness/proxy-harness.js';
import { startRedis } from '../harness/redis-server.js';
import { waitUntil } from '../harness/ports.js';

test('a paused Redis: requests are served with local counters, /readyz says degraded, then ok again', async (t) => {
  const redis = await startRedis(t);
  const h = await proxyHarness(t, {
    configure: (c) => {
      (c.server as Record<string, unknown>).sharedState = { redis: { url: redis.url }, timeoutMs: 100 };
      (c.apiKeys as Array<Record<string, unknown>>)[0]!.limits = { requestsPerMinute: 1000 };
    },
  });
  t.after(() => redis.resume());
  const readyz = async () =>
    (await fetch(`${h.url}/readyz`, { headers: { authorization: `Bearer ${HEALTH_KEY}` } })).json() as Promise<{
      status: string;
      sharedState: string;
    }>;
  await waitUntil(async () => (await readyz()).sharedState === 'ok', 10_000, 'shared state ok');
  assert.equal((await h.postChat(HELLO)).status, 200);

  redis.pause();
  const statuses = [];
  for (let i = 0; i < 5; i++) statuses.push((await h.postChat(HELLO)).status);
  assert.deepEqual(statuses, [200, 200, 200, 200, 200]);
  const degraded = await readyz();
  assert.deepEqual(
    { status: degraded.status, sharedState: degraded.sharedState },
    { status: 'ready', sharedState: 'degraded' },
  );
  const metrics = await (await fetch(`${h.internalUrl}/metrics`)).text();
  assert.match(metrics, /^gateway_shared_state_degraded 1$/m);

  redis.resume();
  await waitUntil(async () => (await readyz()).sharedState === 'ok', 10_000, 'shared state ok again');
  assert.equal((await h.postChat(HELLO)).status, 200);
  // What was counted while Redis was away reaches it afterwards: all 7 requests are in the shared usage.
  await waitUntil(async () => (await h.stats()).totals.requests === 7, 10_000, 'every request to be counted in Redis');
});
