/**
 * The cost of shared state (docs/shared-state.md): one replica (the proxy alone) with its state
 * in a local Redis against the same proxy with embedded state, both with limits, a team and a
 * budget on the key (so every request is admitted and settled by the Lua scripts, and its usage
 * shipped), non-streamed chat at c=16 in interleaved rounds: throughput ratio and the added p50.
 */
import { Pool } from 'undici';
import { median, runRequests } from './load.js';
import { proxyChat, startProxyAlone, type ProxyAlone } from './start-gateway.js';
import { chatBody } from './targets.js';
import { limitEverything as limited } from './governance.js';
import { stopChild } from '../test/harness/child.js';
import { startRedis } from '../test/harness/redis-server.js';

/** One round: requests per second and p50 latency (ms) of each. */
export interface SharedStateRound {
  redisRate: number;
  embeddedRate: number;
  redisP50: number;
  embeddedP50: number;
}

/** What the shared-state row measured. */
export interface SharedStateBench {
  rounds: SharedStateRound[];
}

/** Runs the shared-state row; `sub` makes a fresh folder. */
export async function benchSharedState(
  sub: (name: string) => Promise<string>,
  simPort: number,
  rounds: number,
  scale: number,
  log: (msg: string) => void,
): Promise<SharedStateBench> {
  const cleanups: Array<() => Promise<void> | void> = [];
  const started: ProxyAlone[] = [];
  try {
    const redis = await startRedis({ after: (fn) => void cleanups.push(fn as () => Promise<void>) });
    const embedded = await startProxyAlone(await sub('state-embedded'), simPort, [], limited);
    started.push(embedded);
    const shared = await startProxyAlone(await sub('state-redis'), simPort, [], (c) => {
      limited(c);
      (c.server as Record<string, unknown>).sharedState = { redis: { url: redis.url } };
    });
    started.push(shared);
    const pools = [
      new Pool(`http://127.0.0.1:${embedded.port}`, { connections: 32 }),
      new Pool(`http://127.0.0.1:${shared.port}`, { connections: 32 }),
    ] as const;
    const count = Math.max(500, Math.round(4000 * scale));
    const run = async (p: ProxyAlone, pool: Pool) => {
      const r = await runRequests(proxyChat(p.port, pool), chatBody(false), 16, count, 60_000);
      if (r.errors) throw new Error(`shared-state row: ${r.errors} errors (${r.firstError ?? ''})`);
      return { rate: (r.completed / r.elapsedMs) * 1000, p50: median(r.latencies) };
    };
    await run(embedded, pools[0]);
    await run(shared, pools[1]);
    const out: SharedStateRound[] = [];
    for (let i = 0; i < rounds; i++) {
      const redisFirst = i % 2 === 0;
      const a = redisFirst ? await run(shared, pools[1]) : await run(embedded, pools[0]);
      const b = redisFirst ? await run(embedded, pools[0]) : await run(shared, pools[1]);
      const [r, e] = redisFirst ? [a, b] : [b, a];
      const round = { redisRate: r.rate, embeddedRate: e.rate, redisP50: r.p50, embeddedP50: e.p50 };
      out.push(round);
      log(
        `shared-state round ${i + 1}/${rounds}: Redis ${r.rate.toFixed(0)}/s p50 ${r.p50.toFixed(2)} ms, embedded ${e.rate.toFixed(0)}/s p50 ${e.p50.toFixed(2)} ms (${(r.rate / e.rate).toFixed(3)})`,
      );
    }
    await Promise.all(pools.map((p) => p.close()));
    return { rounds: out };
  } finally {
    for (const p of started) await stopChild(p.child).catch(() => undefined);
    for (const fn of cleanups.reverse()) await fn();
  }
}
