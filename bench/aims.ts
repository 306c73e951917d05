/**
 * The figures issue 7 aims at, checked against the medians of the run: met or not, with the
 * measured value next to each, and the list of rows where the proxy is behind Portkey.
 */
import { fmt, medianOf, pairedMedian, type ScenarioResult } from './figures.js';
import type { TargetId } from './targets.js';

/** One aim and what the run measured. */
export interface Aim {
  aim: string;
  measured: string;
  /** undefined when the run has no figure for it. */
  met: boolean | undefined;
}

type Lookup = (scenario: string, target: TargetId, key: string) => number;
type Paired = (scenario: string, a: TargetId, b: TargetId, key: string, op: 'ratio' | 'diff') => number;

function lookup(results: ScenarioResult[]): Lookup {
  return (scenario, target, key) =>
    medianOf(results.find((r) => r.scenario.id === scenario)?.rounds[target])[key] ?? Number.NaN;
}

function paired(results: ScenarioResult[]): Paired {
  return (scenario, a, b, key, op) => {
    const rounds = results.find((r) => r.scenario.id === scenario)?.rounds;
    return pairedMedian(rounds?.[a], rounds?.[b], key, op);
  };
}

const verdict = (ok: boolean | undefined) => (ok === undefined ? 'no data' : ok ? '**met**' : '**not met**');
const known = (...values: number[]) => values.every((v) => Number.isFinite(v));

/** Higher is better for these figures; lower for every other. */
const HIGHER_IS_BETTER = new Set(['rps', 'rate', 'peakOpen', 'savedPct']);

/** Evaluates every aim of the issue. */
export function evaluateAims(results: ScenarioResult[]): Aim[] {
  const v = lookup(results);
  const p = paired(results);
  const aims: Aim[] = [];

  const ratios = [1, 16, 64].map((c) => ({ c, r: p(`chat-c${c}`, 'proxy', 'caddy', 'rps', 'ratio') }));
  aims.push({
    aim: 'Non-stream throughput through the proxy alone within 2× of Caddy alone (proxy ÷ Caddy ≥ 0.5; median of per-round ratios)',
    measured: ratios.map(({ c, r }) => `c=${c}: ${fmt(r, 2)}`).join(', '),
    met: ratios.every(({ r }) => Number.isFinite(r)) ? ratios.every(({ r }) => r >= 0.5) : undefined,
  });

  const addedP50 = p('chat-c1', 'proxy', 'direct', 'p50', 'diff');
  const addedP50Stack = p('chat-c1', 'stack', 'caddy', 'p50', 'diff');
  aims.push({
    aim: 'Added p50 latency under 1 ms at concurrency 1 (proxy alone − simulator direct; median of per-round differences)',
    measured: `${fmt(addedP50, 3)} ms (behind Caddy: stack − Caddy alone = ${fmt(addedP50Stack, 3)} ms)`,
    met: known(addedP50) ? addedP50 < 1 : undefined,
  });

  const addedTtfb = p('stream-c1', 'proxy', 'direct', 'ttfbP50', 'diff');
  const addedTtfbStack = p('stream-c1', 'stack', 'caddy', 'ttfbP50', 'diff');
  const addedTtfb200 = p('stream-c200', 'proxy', 'direct', 'ttfbP50', 'diff');
  aims.push({
    aim: 'Added time to first byte on streams under 2 ms (c=1, proxy alone − simulator direct; median of per-round differences)',
    measured: `${fmt(addedTtfb, 3)} ms (stack − Caddy alone: ${fmt(addedTtfbStack, 3)} ms; at c=200 proxy − direct: ${fmt(addedTtfb200, 2)} ms)`,
    met: known(addedTtfb) ? addedTtfb < 2 : undefined,
  });

  const rss = v('open-streams', 'proxy', 'rss.proxy');
  const rssStack = v('open-streams', 'stack', 'rss.proxy');
  const open = v('open-streams', 'proxy', 'peakOpen');
  const openErrors = v('open-streams', 'proxy', 'errors');
  aims.push({
    aim: 'Under 150 MB RSS for the proxy at 1,000 open streams (peak VmRSS while they are open)',
    measured: `${fmt(rss, 1)} MB with ${fmt(open, 0)} open at once, ${fmt(openErrors, 0)} errors (the stack's proxy: ${fmt(rssStack, 1)} MB)`,
    met: known(rss, open) ? rss < 150 && open >= 1000 : undefined,
  });

  const behind: string[] = [];
  let compared = 0;
  for (const r of results) {
    if (!r.scenario.targets.includes('portkey')) continue;
    const ours = medianOf(r.rounds.proxy);
    for (const key of Object.keys(ours)) {
      if (
        key.startsWith('base.') ||
        key.startsWith('hwm.') ||
        key === 'rss.simulator' ||
        key === 'completed' ||
        key === 'allOpenMs' ||
        key === 'sentKB'
      )
        continue;
      // Memory: our proxy process against Portkey's process.
      const theirKey = key === 'rss.proxy' ? 'rss.portkey' : key;
      const theirs = r.rounds.portkey?.map((m) => ({ ...m, [key]: m[theirKey] ?? Number.NaN }));
      const a = ours[key];
      const b = medianOf(r.rounds.portkey)[theirKey];
      if (a === undefined || b === undefined || !known(a, b)) continue;
      compared += 1;
      // Counts (errors, bytes) compare as medians or totals; everything else round by round.
      const isCount = key === 'errors' || key === 'upstreamKB' || key === 'savedPct' || key === 'peakOpen';
      const ratio = isCount ? Number.NaN : pairedMedian(r.rounds.proxy, theirs, key, 'ratio');
      const ahead = isCount
        ? HIGHER_IS_BETTER.has(key)
          ? a >= b
          : a <= b
        : HIGHER_IS_BETTER.has(key)
          ? ratio >= 1
          : ratio <= 1;
      if (!ahead)
        behind.push(
          `${r.scenario.id} ${key}: proxy ${fmt(a, 2)} vs Portkey ${fmt(b, 2)}${isCount ? '' : ` (per-round ratio ${fmt(ratio, 2)})`}`,
        );
    }
  }
  aims.push({
    aim: 'Ahead of Portkey on every row (proxy alone vs Portkey, both plain HTTP, one Node process each; compared round by round)',
    measured:
      compared === 0
        ? 'no data'
        : behind.length === 0
          ? `ahead on all ${compared} figures`
          : `ahead on ${compared - behind.length} of ${compared} figures; behind on: ${behind.join('; ')}`,
    met: compared === 0 ? undefined : behind.length === 0,
  });
  return aims;
}

/** The aims as a markdown table. */
export function aimsSection(aims: Aim[]): string {
  const lines = ['| aim | measured | verdict |', '|---|---|---|'];
  for (const a of aims) lines.push(`| ${a.aim} | ${a.measured} | ${verdict(a.met)} |`);
  return lines.join('\n');
}
