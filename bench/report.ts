/**
 * Turns the rounds into docs/reports/benchmarks.md: medians of rounds per figure, ratios against the
 * simulator called directly (1) and against Caddy alone (2), the issue's aims met or not, and
 * the proxy's CPU profile.
 */
import { fmt, medianOf, pairedMedian, type ScenarioResult } from './figures.js';
import { median } from './load.js';
import type { Metrics, Scenario } from './scenarios.js';
import { TARGET_IDS, TARGET_LABELS, type TargetId } from './targets.js';
import type { ProfileSummary, TimeRow } from './profile.js';
import { aimsSection, type Aim } from './aims.js';
import type { MachineInfo } from '../test/harness/machine.js';
import type { GovernanceBench } from './governance.js';
import type { SharedStateBench } from './shared-state.js';
import type { TelemetryBench } from './telemetry.js';
import { telemetrySection } from './telemetry-section.js';

/** The machine the figures come from, and the version of Portkey measured on it. */
export interface Machine extends MachineInfo {
  portkey: string;
}

/** One profiling run. */
export interface ProfileResult {
  kind: 'chat' | 'stream';
  count: number;
  concurrency: number;
  intervalMs?: number;
  /** Requests or streams per second with the profiler on. */
  rate: number;
  summary: ProfileSummary;
}

export type { ScenarioResult } from './figures.js';

/** Resident memory of one process right after start, before any load, and idle after the warm-up. */
export interface IdleMemory {
  process: string;
  mb: number;
  /** After the warm-up's requests and streams, once the process has been idle a few seconds. */
  warmMb?: number;
}

/** Seconds a target rests after the warm-up before its idle memory is read. */
export const IDLE_SETTLE_S = 5;

/** Everything the report needs. */
export interface BenchResults {
  machine: Machine;
  idle: IdleMemory[];
  rounds: number;
  openRounds: number;
  scale: number;
  durationS: number;
  results: ScenarioResult[];
  /** Share of the CPUs used outside the bench's processes, and stolen by the hypervisor, during the rounds. */
  load?: { otherPct: number; stealPct: number };
  profiles: ProfileResult[];
  /** The cost of limits, quotas and budgets (bench/governance.ts). */
  governance?: GovernanceBench;
  /** The cost of state in Redis for one replica (bench/shared-state.ts). */
  sharedState?: SharedStateBench;
  /** The cost of OpenTelemetry exporting (bench/telemetry.ts). */
  telemetry?: TelemetryBench;
}

interface Row {
  key: string;
  label: string;
  digits: number;
  /** Ratios make sense for this figure. */
  ratio: boolean;
}

const ROWS: Record<Scenario['kind'], Row[]> = {
  requests: [
    { key: 'rps', label: 'requests/s', digits: 0, ratio: true },
    { key: 'p50', label: 'p50 ms', digits: 2, ratio: true },
    { key: 'p99', label: 'p99 ms', digits: 2, ratio: true },
    { key: 'cpuMs', label: "CPU ms per request (the target's own processes)", digits: 3, ratio: true },
    { key: 'errors', label: 'errors (all rounds)', digits: 0, ratio: false },
  ],
  streams: [
    { key: 'rate', label: 'streams/s', digits: 1, ratio: true },
    { key: 'ttfbP50', label: 'TTFB p50 ms', digits: 2, ratio: true },
    { key: 'ttfbP99', label: 'TTFB p99 ms', digits: 2, ratio: true },
    { key: 'totalP50', label: 'total p50 ms', digits: 1, ratio: true },
    { key: 'eventDelay', label: 'mean event delay ms', digits: 2, ratio: true },
    { key: 'gapP99', label: 'inter-event gap p99 ms', digits: 2, ratio: true },
    { key: 'cpuMs', label: "CPU ms per stream (the target's own processes)", digits: 3, ratio: true },
    { key: 'errors', label: 'errors (all rounds)', digits: 0, ratio: false },
  ],
  open: [
    { key: 'peakOpen', label: 'streams open at once (peak)', digits: 0, ratio: false },
    { key: 'allOpenMs', label: 'ms until all were open', digits: 0, ratio: false },
    { key: 'ttfbP99', label: 'first byte p99 ms', digits: 0, ratio: true },
    { key: 'rss.caddy', label: 'Caddy peak RSS MB', digits: 1, ratio: false },
    { key: 'rss.proxy', label: 'proxy peak RSS MB', digits: 1, ratio: false },
    { key: 'rss.admin', label: 'admin service RSS MB (idle through it)', digits: 1, ratio: false },
    { key: 'rss.portkey', label: 'Portkey peak RSS MB', digits: 1, ratio: false },
    { key: 'rss.simulator', label: 'simulator peak RSS MB', digits: 1, ratio: false },
    { key: 'base.caddy', label: 'Caddy RSS before MB', digits: 1, ratio: false },
    { key: 'base.proxy', label: 'proxy RSS before MB', digits: 1, ratio: false },
    { key: 'base.portkey', label: 'Portkey RSS before MB', digits: 1, ratio: false },
    { key: 'errors', label: 'errors (all rounds)', digits: 0, ratio: false },
  ],
  images: [
    { key: 'rate', label: 'images/s', digits: 2, ratio: true },
    { key: 'p50', label: 'p50 ms', digits: 1, ratio: true },
    { key: 'sentKB', label: 'request KB sent by the client', digits: 0, ratio: false },
    { key: 'upstreamKB', label: 'request KB reaching the simulator', digits: 0, ratio: false },
    { key: 'savedPct', label: 'bytes saved %', digits: 1, ratio: false },
    { key: 'errors', label: 'errors (all rounds)', digits: 0, ratio: false },
  ],
};

function table(header: string[], body: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...body.map(line)].join('\n');
}

function absoluteTable(r: ScenarioResult): string {
  const med = Object.fromEntries(r.scenario.targets.map((t) => [t, medianOf(r.rounds[t])])) as Partial<
    Record<TargetId, Metrics>
  >;
  const rows = ROWS[r.scenario.kind].filter((row) => r.scenario.targets.some((t) => med[t]?.[row.key] !== undefined));
  return table(
    ['', ...r.scenario.targets.map((t) => TARGET_LABELS[t])],
    rows.map((row) => [row.label, ...r.scenario.targets.map((t) => fmt(med[t]?.[row.key], row.digits))]),
  );
}

function ratioTable(results: ScenarioResult[], ref: TargetId): string {
  const body: string[][] = [];
  const targets = TARGET_IDS.filter((t) => t !== ref);
  for (const r of results) {
    if (!r.scenario.targets.includes(ref)) continue;
    for (const row of ROWS[r.scenario.kind].filter((x) => x.ratio)) {
      const cells = targets.map((t) => {
        if (!r.scenario.targets.includes(t)) return '';
        const v = pairedMedian(r.rounds[t], r.rounds[ref], row.key, 'ratio');
        return Number.isFinite(v) ? `${fmt(v, 2)}×` : '–';
      });
      body.push([`${r.scenario.id}: ${row.label}`, ...cells]);
    }
  }
  return table(['figure (target ÷ reference, median of rounds)', ...targets.map((t) => TARGET_LABELS[t])], body);
}

const ADDED: { scenario: string; key: string; label: string }[] = [
  { scenario: 'chat-c1', key: 'p50', label: 'non-stream c=1, p50' },
  { scenario: 'chat-c16', key: 'p50', label: 'non-stream c=16, p50' },
  { scenario: 'chat-c64', key: 'p50', label: 'non-stream c=64, p50' },
  { scenario: 'stream-c1', key: 'ttfbP50', label: 'stream c=1, TTFB p50' },
  { scenario: 'stream-c1', key: 'eventDelay', label: 'stream c=1, mean event delay' },
  { scenario: 'stream-c200', key: 'ttfbP50', label: 'stream c=200, TTFB p50' },
  { scenario: 'stream-c200', key: 'eventDelay', label: 'stream c=200, mean event delay' },
];

/** What each hop adds, in ms: per-round differences, median of rounds. */
function addedTable(results: ScenarioResult[]): string {
  const pairs: [TargetId, TargetId, string][] = [
    ['caddy', 'direct', '(2) − (1): Caddy'],
    ['stack', 'direct', '(3) − (1): stack'],
    ['stack', 'caddy', '(3) − (2): proxy behind Caddy'],
    ['proxy', 'direct', '(4) − (1): proxy'],
    ['portkey', 'direct', '(5) − (1): Portkey'],
  ];
  const body = ADDED.map(({ scenario, key, label }) => {
    const r = results.find((x) => x.scenario.id === scenario);
    return [label, ...pairs.map(([a, b]) => fmt(pairedMedian(r?.rounds[a], r?.rounds[b], key, 'diff'), 2))];
  });
  return table(['ms added', ...pairs.map(([, , l]) => l)], body);
}

function share(s: ProfileSummary, names: string[]): number {
  return s.byLayer.filter((r) => names.includes(r.name)).reduce((a, r) => a + r.pct, 0);
}

/** One sentence: where most of the busy time went. */
function lead(s: ProfileSummary): string {
  const parts = [
    [
      'socket writes (system calls; on a loaded machine also where the process is preempted)',
      share(s, ['socket writes (system calls)']),
    ],
    [
      "Node's HTTP, streams, sockets, events and timers",
      share(s, [
        'Node http',
        'Node streams',
        'Node net (sockets)',
        'Node events',
        'Node task queues, timers, async hooks',
        'Node buffer',
        'Node (other)',
      ]),
    ],
    ['undici (the upstream client)', share(s, ['undici'])],
    ['fastify', share(s, ['fastify', 'find-my-way', 'toad-cache', 'light-my-request', 'avvio'])],
    ['logging', share(s, ['logging (pino, @pinojs/redact)'])],
    ['the garbage collector', share(s, ['garbage collector'])],
    ["this project's own code (self time)", share(s, ['proxy/ (this project)', 'common/ (this project)'])],
  ] as const;
  return `In short: ${parts.map(([name, pct]) => `${name} ${fmt(pct, 0)} %`).join('; ')} (shares of the busy time, self time).`;
}

function governanceSection(g: GovernanceBench | undefined): string {
  if (!g) return '_Not measured in this run._';
  const ratio = median(g.rounds.map((r) => r.withLimits / r.without));
  const rows = [
    [
      'requests/s, every limit, a team and a budget on the key (median of rounds)',
      fmt(median(g.rounds.map((r) => r.withLimits)), 0),
    ],
    ['requests/s, no limits', fmt(median(g.rounds.map((r) => r.without)), 0)],
    [`with ÷ without (each round's ratio, median; aim ≥ 0.9: ${ratio >= 0.9 ? 'met' : 'not met'})`, fmt(ratio, 3)],
    ...g.tokenizer.map((t) => [
      `tokenizer, one request with a ${t.promptTokens.toLocaleString('en')}-token prompt (ms, median)`,
      fmt(t.ms, 2),
    ]),
  ];
  return `The proxy alone, non-streamed chat at c=16, ${g.rounds.length} interleaved rounds; the tokenizer measured in process on random words (no merge-cache help).\n\n${table(['figure', 'value'], rows)}`;
}

function sharedStateSection(s: SharedStateBench | undefined): string {
  if (!s) return '_Not measured in this run._';
  const ratio = median(s.rounds.map((r) => r.redisRate / r.embeddedRate));
  const rows = [
    ['requests/s, state in Redis (median of rounds)', fmt(median(s.rounds.map((r) => r.redisRate)), 0)],
    ['requests/s, embedded state', fmt(median(s.rounds.map((r) => r.embeddedRate)), 0)],
    [`Redis ÷ embedded (each round's ratio, median; aim ≥ 0.8: ${ratio >= 0.8 ? 'met' : 'not met'})`, fmt(ratio, 3)],
    [
      'p50 per request, Redis − embedded (ms, median of rounds)',
      fmt(median(s.rounds.map((r) => r.redisP50 - r.embeddedP50)), 2),
    ],
  ];
  return `One replica (the proxy alone) with a local redis-server against embedded state; limits, a team and a budget on the key, so every request runs the admission and settlement scripts and ships its usage; non-streamed chat at c=16, ${s.rounds.length} interleaved rounds.\n\n${table(['figure', 'value'], rows)}`;
}

/** One CPU profile as a report section: where the busy time went, by layer and by function. */
export function profileSection(p: ProfileResult): string {
  const s = p.summary;
  const rowsOf = (rows: TimeRow[]) => rows.map((r) => [`\`${r.name}\``, fmt(r.ms, 0), `${fmt(r.pct, 1)} %`]);
  const what =
    p.kind === 'chat'
      ? `${p.count.toLocaleString('en-US')} non-stream chat requests at c=${p.concurrency} (${fmt(p.rate, 0)} requests/s with the profiler on)`
      : `${p.count.toLocaleString('en-US')} streams of 20 chunks ${p.intervalMs ?? '?'} ms apart at c=${p.concurrency} (${fmt(p.rate, 1)} streams/s with the profiler on)`;
  return [
    `### ${p.kind === 'chat' ? 'Non-stream' : 'Streams'}`,
    '',
    `A fresh proxy alone ran under \`node --cpu-prof --cpu-prof-interval 250\` while the bench sent it ${what}. ` +
      `${s.windowed ? 'Only samples taken while that load ran are counted (start-up, warm-up and shutdown are left out). ' : 'The whole process lifetime is counted (start-up included). '}` +
      `Sampled time: ${fmt(s.totalMs, 0)} ms, of which ${fmt(s.idleMs, 0)} ms idle and ${fmt(s.busyMs, 0)} ms busy; percentages below are of the busy time.`,
    '',
    lead(s),
    '',
    '**By layer (self time)**',
    '',
    table(
      ['layer', 'ms', 'share'],
      rowsOf(s.byLayer).map(([n, ms, pct]) => [(n ?? '').replaceAll('`', ''), ms ?? '', pct ?? '']),
    ),
    '',
    '**Top functions by self time**',
    '',
    table(['function (file:line in the running JS)', 'ms', 'share'], rowsOf(s.topSelf)),
    '',
    "**The proxy's own functions, inclusive time** (everything they call included)",
    '',
    table(['function', 'ms', 'share'], rowsOf(s.proxyInclusive)),
  ].join('\n');
}

/** The whole of docs/reports/benchmarks.md. */
export function renderReport(b: BenchResults, aims: Aim[], notes: string): string {
  const m = b.machine;
  const sections = b.results.map((r) => `### ${r.scenario.title}\n\n${absoluteTable(r)}`);
  return `# Benchmarks

Generated by \`make bench\` (\`bench/main.ts\`) on ${m.date}. Re-run it to replace this file.

**Machine:** ${m.cpus} CPUs (${m.cpuModel}), ${fmt(m.memoryGiB, 1)} GiB RAM, ${m.kernel}; Node ${m.node}; Caddy ${m.caddy}; Portkey gateway ${m.portkey}.
**Run:** ${b.rounds} interleaved rounds (each round runs every scenario on every target, target order rotated per round), the 1,000-stream scenario in ${b.openRounds} rounds; absolute figures are medians of rounds (error counts are totals); ratios and differences are taken within each round, between figures measured seconds apart, and their median over rounds is reported; scale ${b.scale}; ${fmt(b.durationS / 60, 1)} minutes in all.
The load generator runs on the same ${m.cpus} CPUs as every server it measures, so read the ratios, not the absolute figures.${
    b.load
      ? `
**Machine load during the rounds:** processes outside the bench used ${fmt(b.load.otherPct, 1)} % of the CPUs, the hypervisor stole ${fmt(b.load.stealPct, 1)} %.`
      : ''
  }

## Targets

1. **simulator direct**: the Foundry simulator (\`simulator/foundry/simulator.ts\`, one process, no credential check) — the limit.
2. **Caddy alone**: Caddy ${m.caddy}, \`tls internal\` on localhost, \`reverse_proxy\` to the simulator with the transport settings of our rendered Caddyfile — the best single hop.
3. **stack**: this project as shipped — \`deploy/entrypoint.sh\` (init, then supervisord running Caddy, the proxy and the admin service), over HTTPS through Caddy.
4. **proxy alone**: \`dist/proxy/main.js\`, plain HTTP on 127.0.0.1.
5. **Portkey**: \`@portkey-ai/gateway\` ${m.portkey} (\`@hono/node-server\` pinned to 1.13.8), plain HTTP on 127.0.0.1, routed with \`x-portkey-provider: openai\` and \`x-portkey-custom-host\`.

## The issue's aims

${aimsSection(aims)}

## What each hop adds (ms; each round's difference, median of rounds)

${addedTable(b.results)}

## Ratios against (1) the simulator called directly

${ratioTable(b.results, 'direct')}

## Ratios against (2) Caddy alone

${ratioTable(b.results, 'caddy')}

## Absolute figures (medians of rounds)

${sections.join('\n\n')}

### Resident memory at rest

Right after start (before any load), and after the warm-up (every target answered requests and streams) once it had been idle for ${IDLE_SETTLE_S} s.

${table(
  ['process', 'VmRSS MB after start', 'VmRSS MB idle after warm-up'],
  b.idle.map((i) => [i.process, fmt(i.mb, 1), fmt(i.warmMb, 1)]),
)}

## Governance cost

${governanceSection(b.governance)}

## Shared state cost

${sharedStateSection(b.sharedState)}

## Telemetry cost

${telemetrySection(b.telemetry)}

## Where the time goes

${b.profiles.length ? b.profiles.map(profileSection).join('\n\n') : '_No profile was taken in this run._'}

${notes}
`;
}
