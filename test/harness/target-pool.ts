/**
 * A model with two targets on two Foundry simulators (each its own "resource"): `a` is the
 * harness's simulator, `b` a second one, both api-key upstreams; `b` has the lower priority unless
 * `samePriority`. For failover, circuit-breaker and affinity tests.
 */
import type { TestContext } from 'node:test';
import OpenAI from 'openai';
import { startFoundrySimulator, type FoundrySimulator } from '../../simulator/foundry/simulator.js';
import { SIM_API_KEY, startProxyHarness, type ProxyHarness } from './proxy-harness.js';

/** The proxy, both simulators, and an SDK client on the proxy. */
export interface TargetPool {
  h: ProxyHarness;
  a: FoundrySimulator;
  b: FoundrySimulator;
  client: OpenAI;
}

/** Options of `startTargetPool`. */
export interface TargetPoolOptions {
  /** Both targets in priority tier 0 (default: `b` in tier 1, a fallback). */
  samePriority?: boolean;
  /** Settings merged into `server.upstream` (tight timeouts by default). */
  upstream?: Record<string, unknown>;
}

/** Starts the pool (model id `pool`); everything stops when `t` ends. */
export async function startTargetPool(t: TestContext, opts: TargetPoolOptions = {}): Promise<TargetPool> {
  const b = await startFoundrySimulator({ apiKey: SIM_API_KEY });
  const h = await startProxyHarness({
    configure: (c, sim) => {
      const server = c.server as Record<string, unknown>;
      server.upstream = {
        connectTimeoutMs: 1000,
        firstByteTimeoutMs: 400,
        idleTimeoutMs: 5000,
        requestTimeoutMs: 20000,
        ...opts.upstream,
      };
      (c.upstreams as unknown[]).push(
        { name: 'a', baseUrl: sim.url, auth: { mode: 'apiKey', apiKey: SIM_API_KEY } },
        { name: 'b', baseUrl: b.url, auth: { mode: 'apiKey', apiKey: SIM_API_KEY } },
      );
      (c.models as unknown[]).push({
        id: 'pool',
        targets: [
          { upstream: 'a', targetModel: 'dep-a', priority: 0, weight: 1 },
          { upstream: 'b', targetModel: 'dep-b', priority: opts.samePriority ? 0 : 1, weight: 1 },
        ],
      });
    },
  });
  t.after(async () => {
    await h.close();
    await b.close();
  });
  return { h, a: h.sim, b, client: h.sdk() };
}

/** One chat call to `model` (default `pool`). */
export function askPool(client: OpenAI, extra: Record<string, unknown> = {}): Promise<unknown> {
  return client.chat.completions.create({ model: 'pool', messages: [{ role: 'user', content: 'hi' }], ...extra });
}

/** The status the client saw: 200 on success, the APIError's status, or -1 for anything else. */
export function statusOf(p: Promise<unknown>): Promise<number> {
  return p.then(
    () => 200,
    (e: unknown) => (e instanceof OpenAI.APIError ? (e.status ?? 0) : -1),
  );
}
