// Redis killed for 30 s under load (docs/shared-state.md, "When Redis is down or slow"): no
// request fails, every replica reports degraded once and recovered once (log line and metric),
// and the usage counted while Redis was away reaches Redis afterwards, so the counts add up.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'node:test';
import { startLoad } from '../harness/load.js';
import { sleep, waitUntil } from '../harness/ports.js';
import { sharedStateOf, startReplicaSet } from '../harness/replica-set.js';

const LIMITED_KEY = 'sk-test-outage-key-0006';
const OUTAGE_MS = Number(process.env.REDIS_OUTAGE_MS ?? 30_000);

test(`Redis down for ${OUTAGE_MS / 1000} s under load: no failures, degraded then recovered, counts resume`, async (t) => {
  // AOF on every write: the restarted Redis has what it had, so the counts can be compared exactly.
  const set = await startReplicaSet(t, {
    replicas: 2,
    redisArgs: ['--appendonly', 'yes', '--appendfsync', 'always'],
    configure: (c) => {
      (c.apiKeys as unknown[]).push({
        id: 'outage',
        key: LIMITED_KEY,
        status: 'active',
        limits: { requestsPerMinute: 100_000, tokensPerDay: 50_000_000 },
      });
      // This test is about Redis going away, not about a slow one: on a busy build machine a
      // 250 ms reply can be late, which would (rightly) count as more transitions.
      ((c.server as Record<string, unknown>).sharedState as Record<string, unknown>).timeoutMs = 2_000;
    },
  });
  const clients = [set.sdk(0, LIMITED_KEY), set.sdk(1, LIMITED_KEY)];
  const load = startLoad(2, (i) =>
    clients[i % 2]!.chat.completions.create({
      model: 'gpt-5-mini',
      messages: [{ role: 'user', content: `request ${i}` }],
    }),
  );
  await waitUntil(async () => load.outcomes.length >= 20, 30_000, '20 requests before the outage');

  await set.redis.kill();
  for (const i of [0, 1])
    await waitUntil(
      async () => (await sharedStateOf(set, i)) === 'degraded',
      10_000,
      `replica ${i} to report degraded`,
    );
  const during = load.outcomes.length;
  await sleep(OUTAGE_MS);
  assert.ok(load.outcomes.length > during, 'requests were served while Redis was down');
  await set.redis.start();
  for (const i of [0, 1])
    await waitUntil(async () => (await sharedStateOf(set, i)) === 'ok', 15_000, `replica ${i} to recover`);
  const after = load.outcomes.length;
  await waitUntil(async () => load.outcomes.length >= after + 20, 30_000, '20 requests after the outage');
  const outcomes = await load.stop();

  t.diagnostic(
    `${outcomes.length} requests (${after - during} while Redis was down); failures: ${outcomes.filter((o) => o.status !== 200).length}`,
  );
  assert.deepEqual(
    outcomes.filter((o) => o.status !== 200).map((o) => `${o.status} ${o.error}`),
    [],
  );
  for (const r of set.replicas) {
    const log = await readFile(path.join(r.runDir, 'proxy.log'), 'utf8');
    assert.equal(
      log.split('\n').filter((l) => l.includes('Redis unreachable or slow')).length,
      1,
      `replica ${r.index} logs one line when it degrades`,
    );
    assert.equal(
      log.split('\n').filter((l) => l.includes('Redis answers again')).length,
      1,
      `replica ${r.index} logs one line when it recovers`,
    );
    const metrics = await (await fetch(`${r.internalUrl}/metrics`)).text();
    assert.match(metrics, /^gateway_shared_state_degraded 0$/m);
    assert.match(metrics, /^gateway_shared_state_transitions 2$/m);
  }
  // Usage counted while Redis was away is shipped once it is back: the sum over replicas is exact.
  await waitUntil(
    async () =>
      ((await set.internal(0, '/internal/stats?key=outage')) as { totals: { requests: number } }).totals.requests ===
      outcomes.length,
    15_000,
    `the usage of all ${outcomes.length} requests to be counted`,
  );
});
