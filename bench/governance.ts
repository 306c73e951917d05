/**
 * The cost of governance (docs/governance.md): the proxy alone with limits, a team, a budget and a
 * price on its key, against the same proxy without, non-streamed requests at c=16 in interleaved
 * rounds; and the tokenizer's cost per request for a 1k and a 100k-token prompt, measured in
 * process on text that defeats the tokenizer's merge cache (random words).
 */
import { Pool } from 'undici';
import { runRequests } from './load.js';
import { proxyChat, startProxyAlone, type ProxyAlone } from './start-gateway.js';
import { stopChild } from '../test/harness/child.js';
import { chatBody } from './targets.js';
import { estimateTokens, tokenCounter } from '../proxy/governance/token-estimate.js';

/** What the governance row measured. */
export interface GovernanceBench {
  rounds: Array<{ withLimits: number; without: number }>;
  tokenizer: Array<{ promptTokens: number; ms: number }>;
}

// Every limit set, far above what the bench sends, so each request is admitted through all of
// them (a tokenizer count, two scopes, spend at a price) and none is refused.
const HUGE = {
  requestsPerMinute: 1e9,
  tokensPerMinute: 1e12,
  tokensPerDay: 1e12,
  tokensPerMonth: 1e12,
  maxConcurrent: 100_000,
};

/** Puts every limit, a team, a budget and prices on the bench key (far above what the bench sends). */
export function limitEverything(config: Record<string, unknown>): void {
  config.teams = [{ id: 'bench-team', limits: HUGE, budget: { amount: 1e9, period: 'month' } }];
  const key = (config.apiKeys as Array<Record<string, unknown>>)[0]!;
  Object.assign(key, { team: 'bench-team', limits: HUGE, budget: { amount: 1e9, period: 'day' } });
  for (const m of config.models as Array<Record<string, unknown>>)
    m.price = { inputPerMillion: 0.25, outputPerMillion: 2 };
}

// Deterministic pseudo-random words: repeated text would be served from the merge cache.
function randomText(words: number, seed = 7): string {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31);
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    const len = 2 + (next() % 9);
    let w = '';
    for (let j = 0; j < len; j++) w += String.fromCharCode(97 + (next() % 26));
    out.push(w);
  }
  return out.join(' ');
}

async function tokenizerCost(targetTokens: number): Promise<{ promptTokens: number; ms: number }> {
  const count = await tokenCounter('o200k_base');
  // Random lower-case words average about 3.4 tokens each in o200k_base.
  const body = { messages: [{ role: 'user', content: randomText(Math.round(targetTokens / 3.4), targetTokens) }] };
  const prompt = estimateTokens('chat/completions', body, count).prompt;
  const runs = targetTokens > 10_000 ? 5 : 50;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const fresh = { messages: [{ role: 'user', content: `${i} ${body.messages[0]!.content}` }] };
    const t0 = performance.now();
    estimateTokens('chat/completions', fresh, count);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { promptTokens: prompt, ms: times[Math.floor(times.length / 2)] ?? 0 };
}

/** Runs the governance row; `sub` makes a fresh folder. */
export async function benchGovernance(
  sub: (name: string) => Promise<string>,
  simPort: number,
  rounds: number,
  scale: number,
  log: (msg: string) => void,
): Promise<GovernanceBench> {
  const started: ProxyAlone[] = [];
  try {
    const plain = await startProxyAlone(await sub('gov-without'), simPort);
    started.push(plain);
    const limited = await startProxyAlone(await sub('gov-with'), simPort, [], limitEverything);
    started.push(limited);
    const pools = [
      new Pool(`http://127.0.0.1:${plain.port}`, { connections: 32 }),
      new Pool(`http://127.0.0.1:${limited.port}`, { connections: 32 }),
    ] as const;
    const count = Math.max(500, Math.round(4000 * scale));
    const rate = async (p: ProxyAlone, pool: Pool) => {
      const r = await runRequests(proxyChat(p.port, pool), chatBody(false), 16, count, 60_000);
      if (r.errors) throw new Error(`governance row: ${r.errors} errors (${r.firstError ?? ''})`);
      return (r.completed / r.elapsedMs) * 1000;
    };
    // Warm-up (JIT, the tokenizer's first load in the limited proxy), not measured.
    await rate(plain, pools[0]);
    await rate(limited, pools[1]);
    const out: GovernanceBench['rounds'] = [];
    for (let i = 0; i < rounds; i++) {
      const first = i % 2 === 0;
      const a = first ? await rate(limited, pools[1]) : await rate(plain, pools[0]);
      const b = first ? await rate(plain, pools[0]) : await rate(limited, pools[1]);
      const round = first ? { withLimits: a, without: b } : { withLimits: b, without: a };
      out.push(round);
      log(
        `governance round ${i + 1}/${rounds}: with limits ${round.withLimits.toFixed(0)}/s, without ${round.without.toFixed(0)}/s (${(round.withLimits / round.without).toFixed(3)})`,
      );
    }
    await Promise.all(pools.map((p) => p.close()));
    return { rounds: out, tokenizer: [await tokenizerCost(1_000), await tokenizerCost(100_000)] };
  } finally {
    for (const p of started) await stopChild(p.child).catch(() => undefined);
  }
}
