// Faults with three replicas behind a load balancer (docs/shared-state.md, "Faults"): a rolling
// restart under load (no request fails for a client that retries connection errors, as the
// OpenAI SDKs do), a replica killed with -9 under load (the others keep serving; the client's own retries of connection
// errors cover the requests it was serving), and Redis restarted empty (serving goes on, quota
// use is put back from the replicas' last reading, counting resumes).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'node:test';
import OpenAI from 'openai';
import { fetchVia, loopbackTlsAgent } from '../harness/loopback-tls.js';
import { startLoad } from '../harness/load.js';
import { waitUntil } from '../harness/ports.js';
import { killReplica, restartReplica, sharedStateOf, startReplicaSet } from '../harness/replica-set.js';
import { startTcpBalancer } from '../harness/tcp-balancer.js';

const QUOTA_KEY = 'sk-test-quota-key-0005';

interface ScopeView {
  tokensToday: number;
  requestsLastMinute: number;
}

test('faults under load with three replicas', async (t) => {
  const set = await startReplicaSet(t, {
    configure: (c) =>
      (c.apiKeys as unknown[]).push({
        id: 'quota',
        key: QUOTA_KEY,
        status: 'active',
        limits: { tokensPerDay: 50_000_000, requestsPerMinute: 100_000 },
      }),
  });
  const lb = await startTcpBalancer(
    t,
    set.replicas.map((r) => r.caddyPorts.httpsPort),
  );
  const agent = loopbackTlsAgent(set.ca);
  t.after(() => agent.close());
  // The SDK's defaults: connection errors are retried (twice).
  const client = new OpenAI({
    baseURL: `https://localhost:${lb.port}/v1`,
    apiKey: QUOTA_KEY,
    maxRetries: 2,
    fetch: fetchVia(agent),
  });
  const ask = (i: number) =>
    client.chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: `request ${i}` }] });
  const quotaOn = async (i: number) =>
    ((await set.internal(i, '/internal/governance')) as { scopes: Record<string, ScopeView> }).scopes['key:quota'];

  await t.test('a rolling restart of every replica under load: no request fails for the client', async () => {
    const load = startLoad(4, ask);
    await waitUntil(async () => load.outcomes.length >= 20, 30_000, '20 requests before the restarts');
    for (const r of set.replicas) {
      await restartReplica(r);
      const after = load.outcomes.length;
      await waitUntil(
        async () => load.outcomes.length >= after + 10,
        30_000,
        `10 requests after replica ${r.index} restarted`,
      );
    }
    const outcomes = await load.stop();
    t.diagnostic(
      `rolling restart: ${outcomes.length} requests, client errors: ${outcomes.filter((o) => o.status !== 200).length}`,
    );
    assert.deepEqual(
      outcomes.filter((o) => o.status !== 200).map((o) => `${o.status} ${o.error}`),
      [],
    );
  });

  await t.test(
    'kill -9 of a replica under load: the others keep serving and no request fails for the client',
    async () => {
      const load = startLoad(4, ask);
      await waitUntil(async () => load.outcomes.length >= 40, 30_000, '40 requests before the kill');
      const killedAt = Date.now();
      await killReplica(set.replicas[2]!);
      await waitUntil(
        async () => load.outcomes.filter((o) => o.at > killedAt).length >= 60,
        30_000,
        '60 requests after the kill',
      );
      const outcomes = await load.stop();
      t.diagnostic(
        `${outcomes.length} requests, ${outcomes.filter((o) => o.at > killedAt).length} after the kill; client errors: ${outcomes.filter((o) => o.status !== 200).length}`,
      );
      assert.deepEqual(
        outcomes.filter((o) => o.status !== 200).map((o) => `${o.status} ${o.error}`),
        [],
      );
    },
  );

  await t.test('Redis restarted empty: quota use is restored, serving and counting go on', async () => {
    // Both live replicas agree on the reading before the restart.
    let before: ScopeView | undefined;
    await waitUntil(
      async () => {
        const [a, b] = [await quotaOn(0), await quotaOn(1)];
        before = a;
        return a !== undefined && b !== undefined && a.tokensToday > 0 && a.tokensToday === b.tokensToday;
      },
      15_000,
      'both replicas to read the same quota use',
    );
    await set.redis.kill();
    await set.redis.start();
    for (const i of [0, 1])
      await waitUntil(async () => (await sharedStateOf(set, i)) === 'ok', 15_000, `replica ${i} to reconnect`);
    await waitUntil(
      async () =>
        (await quotaOn(0))?.tokensToday === before!.tokensToday &&
        (await quotaOn(1))?.tokensToday === before!.tokensToday,
      15_000,
      'quota use to be restored into Redis',
    );
    const logs = await Promise.all(
      [0, 1].map((i) => readFile(path.join(set.replicas[i]!.runDir, 'proxy.log'), 'utf8')),
    );
    assert.ok(
      logs.some((l) => l.includes('Redis restarted empty')),
      'a replica noticed the empty Redis and restored it',
    );
    const load = startLoad(2, ask);
    await waitUntil(async () => load.outcomes.length >= 20, 30_000, '20 requests after the restart');
    const outcomes = await load.stop();
    assert.deepEqual(
      outcomes.filter((o) => o.status !== 200).map((o) => `${o.status} ${o.error}`),
      [],
    );
    await waitUntil(
      async () => ((await quotaOn(0))?.tokensToday ?? 0) > before!.tokensToday,
      15_000,
      'new use to be counted on top of the restored quota',
    );
  });
});
