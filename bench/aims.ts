/**
 * The figures the performance issues aim at (docs/reports/benchmarks.md), checked against the
 * run: met or not, with the measured value next to each, and the rows where the proxy is behind
 * Portkey. Ratios and differences against Caddy alone are taken round by round.
 */
import { fmt, medianOf, pairedMedian, type ScenarioResult } from './figures.js';
import type { TargetId } from './targets.js';
import type { IdleMemory } from './report.js';

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

/** Evaluates every aim of the issue; `idle` holds each process's resident memory at rest. */
export function evaluateAims(results: ScenarioResult[], idle: readonly IdleMemory[] = []): Aim[] {
  const v = lookup(results);
  const p = paired(results);
  const aims: Aim[] = [];
  const check = (aim: string, measured: string, values: number[], ok: () => boolean) =>
    aims.push({ aim, measured, met: known(...values) ? ok() : undefined });

  const ttfb = p('stream-c200', 'proxy', 'caddy', 'ttfbP50', 'diff');
  check(
    'Streams at c=200: time to first byte p50 within 10 ms of Caddy alone (proxy alone − Caddy alone, per round)',
    `${fmt(ttfb, 2)} ms (proxy ${fmt(v('stream-c200', 'proxy', 'ttfbP50'), 2)} ms, Caddy ${fmt(v('stream-c200', 'caddy', 'ttfbP50'), 2)} ms)`,
    [ttfb],
    () => ttfb <= 10,
  );
  const rate = p('stream-c200', 'proxy', 'caddy', 'rate', 'ratio');
  check('Streams at c=200: streams/s ≥ 0.9× Caddy alone', `${fmt(rate, 2)}×`, [rate], () => rate >= 0.9);
  const cpu = p('stream-c200', 'proxy', 'caddy', 'cpuMs', 'ratio');
  check(
    'Streams at c=200: CPU per stream ≤ 1.5× Caddy alone',
    `${fmt(cpu, 2)}× (proxy ${fmt(v('stream-c200', 'proxy', 'cpuMs'), 2)} ms, Caddy ${fmt(v('stream-c200', 'caddy', 'cpuMs'), 2)} ms)`,
    [cpu],
    () => cpu <= 1.5,
  );
  const gap = p('stream-c200', 'proxy', 'caddy', 'gapP99', 'ratio');
  check('Streams at c=200: inter-event gap p99 ≤ 1.5× Caddy alone', `${fmt(gap, 2)}×`, [gap], () => gap <= 1.5);
  const openTtfb = p('open-streams', 'proxy', 'caddy', 'ttfbP99', 'ratio');
  check(
    '1,000 open streams: first byte p99 ≤ 2× Caddy alone',
    `${fmt(openTtfb, 2)}× (proxy ${fmt(v('open-streams', 'proxy', 'ttfbP99'), 0)} ms, Caddy ${fmt(v('open-streams', 'caddy', 'ttfbP99'), 0)} ms)`,
    [openTtfb],
    () => openTtfb <= 2,
  );

  const rss = v('open-streams', 'proxy', 'rss.proxy');
  const rssStack = v('open-streams', 'stack', 'rss.proxy');
  const open = v('open-streams', 'proxy', 'peakOpen');
  const openErrors = v('open-streams', 'proxy', 'errors');
  check(
    '1,000 concurrent open streams: proxy peak RSS ≤ 150 MB, no errors',
    `${fmt(rss, 1)} MB with ${fmt(open, 0)} open at once, ${fmt(openErrors, 0)} errors (the stack's proxy: ${fmt(rssStack, 1)} MB)`,
    [rss, open],
    () => rss <= 150 && open >= 1000 && openErrors === 0,
  );
  const warm = (name: string) => idle.find((i) => i.process === name)?.warmMb ?? Number.NaN;
  const idleProxy = warm('proxy alone');
  check(
    'Proxy idle RSS after warm-up ≤ 80 MB',
    `${fmt(idleProxy, 1)} MB (the stack's proxy: ${fmt(warm("stack's proxy"), 1)} MB)`,
    [idleProxy],
    () => idleProxy <= 80,
  );
  const idleAdmin = warm("stack's admin");
  check('Admin service idle RSS ≤ 80 MB', `${fmt(idleAdmin, 1)} MB`, [idleAdmin], () => idleAdmin <= 80);

  const chatCpu = [1, 16, 64].map((c) => ({ c, r: p(`chat-c${c}`, 'proxy', 'caddy', 'cpuMs', 'ratio') }));
  const cpu16 = chatCpu[1]?.r ?? Number.NaN;
  check(
    'Non-streamed: CPU per request ≤ 1.2× Caddy alone (c=16)',
    chatCpu.map(({ c, r }) => `c=${c}: ${fmt(r, 2)}×`).join(', '),
    [cpu16],
    () => cpu16 <= 1.2,
  );
  const rps16 = p('chat-c16', 'proxy', 'caddy', 'rps', 'ratio');
  check(
    'Non-streamed: throughput at c=16 ≥ 0.8× Caddy alone (proxy alone)',
    `${fmt(rps16, 2)}×`,
    [rps16],
    () => rps16 >= 0.8,
  );
  const stack = [1, 16, 64].map((c) => ({ c, r: p(`chat-c${c}`, 'stack', 'caddy', 'rps', 'ratio') }));
  const stack16 = stack[1]?.r ?? Number.NaN;
  check(
    'Non-streamed: the stack ≥ 0.5× Caddy alone (throughput at c=16)',
    stack.map(({ c, r }) => `c=${c}: ${fmt(r, 2)}×`).join(', '),
    [stack16],
    () => stack16 >= 0.5,
  );

  const behind: string[] = [];
  let compared = 0;
  for (const r of results) {
    if (!r.scenario.targets.includes('portkey')) continue;
    const ours = medianOf(r.rounds.proxy);
    for (const key of Object.keys(ours)) {
      if (
        key.startsWith('base.') ||
        key.startsWith('hwm.') ||
        key === 'rss.admin' ||
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
