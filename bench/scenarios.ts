/**
 * The scenarios of issue 7, each run once per target per round and reduced to a flat record of
 * named figures (medians of rounds are taken later). Sizes scale with BENCH_SCALE so a quick
 * check of the bench itself can run in a fraction of the time.
 */
import { quantile, median, runRequests, runStreams, type OpenGauge } from './load.js';
import { sleep } from '../test/harness/ports.js';
import { memoryOf } from '../test/harness/proc-memory.js';
import { cpuMsOf } from './processes.js';
import type { Simulator } from './start-others.js';
import { chatBody, type Target, type TargetId } from './targets.js';
import type { ImageCase } from './images.js';

/** Named figures of one scenario on one target in one round. */
export type Metrics = Record<string, number>;

/** One scenario. */
export interface Scenario {
  id: string;
  title: string;
  kind: 'requests' | 'streams' | 'open' | 'images';
  targets: readonly TargetId[];
  run(target: Target): Promise<Metrics>;
}

const ALL: readonly TargetId[] = ['direct', 'caddy', 'stack', 'proxy', 'portkey'];
const MB = 1024 * 1024;

/** The processes a target's CPU is counted on: its own, not the shared simulator's (but for the simulator direct). */
async function ownPids(t: Target): Promise<number[]> {
  const pids = await t.pids();
  return Object.entries(pids)
    .filter(([name]) => t.id === 'direct' || name !== 'simulator')
    .map(([, pid]) => pid);
}

/** Runs `fn` and adds the CPU milliseconds the target's own processes spent per completed request. */
async function withCpu<R extends { completed: number }>(
  t: Target,
  fn: () => Promise<R>,
): Promise<R & { cpuMs: number }> {
  const pids = await ownPids(t);
  const before = await cpuMsOf(pids);
  const r = await fn();
  const spent = (await cpuMsOf(pids)) - before;
  return { ...r, cpuMs: r.completed > 0 ? spent / r.completed : Number.NaN };
}

function requestsScenario(concurrency: number, total: number): Scenario {
  const body = chatBody(false);
  return {
    id: `chat-c${concurrency}`,
    title: `non-stream chat, c=${concurrency} (${total} requests)`,
    kind: 'requests',
    targets: ALL,
    async run(t) {
      const r = await withCpu(t, () => runRequests(t.chat(), body, concurrency, total, 60_000));
      if (r.firstError && r.errors > 0) console.warn(`  ${t.id}: ${r.errors} errors, first: ${r.firstError}`);
      return {
        rps: (r.completed / r.elapsedMs) * 1000,
        p50: quantile(r.latencies, 0.5),
        p99: quantile(r.latencies, 0.99),
        cpuMs: r.cpuMs,
        errors: r.errors,
      };
    },
  };
}

function streamsScenario(concurrency: number, total: number, intervalMs: number): Scenario {
  const body = chatBody(true);
  const scenario = JSON.stringify({ kind: 'slowChunks', intervalMs, chunks: 20 });
  return {
    id: `stream-c${concurrency}`,
    title: `streams of 20 chunks ${intervalMs} ms apart, c=${concurrency} (${total} streams)`,
    kind: 'streams',
    targets: ALL,
    async run(t) {
      const r = await withCpu(t, () =>
        runStreams(t.chat({ 'x-sim-scenario': scenario }), body, concurrency, total, 90_000, intervalMs),
      );
      if (r.firstError && r.errors > 0) console.warn(`  ${t.id}: ${r.errors} errors, first: ${r.firstError}`);
      return {
        rate: (r.completed / r.elapsedMs) * 1000,
        ttfbP50: quantile(r.ttfb, 0.5),
        ttfbP99: quantile(r.ttfb, 0.99),
        totalP50: quantile(r.total, 0.5),
        eventDelay: median(r.eventDelay),
        gapP99: quantile(r.gaps, 0.99),
        cpuMs: r.cpuMs,
        errors: r.errors,
      };
    },
  };
}

/** 1,000 streams open at once; memory of every process of the target sampled while they are. */
function openStreamsScenario(count: number, intervalMs: number): Scenario {
  const body = chatBody(true);
  const scenario = JSON.stringify({ kind: 'slowChunks', intervalMs, chunks: 20 });
  return {
    id: 'open-streams',
    title: `${count} concurrent open streams (20 chunks ${intervalMs} ms apart)`,
    kind: 'open',
    targets: ALL,
    async run(t) {
      const pids = await t.pids();
      const out: Metrics = {};
      for (const [name, pid] of Object.entries(pids)) out[`base.${name}`] = (await memoryOf(pid)).rss / MB;
      const gauge: OpenGauge = { open: 0 };
      let running = true;
      let allOpenAt = Number.NaN;
      const started = performance.now();
      const sampler = (async () => {
        // Bounded by the run (which has its own deadline) and by a count.
        for (let i = 0; running && i < 3_000; i++) {
          if (gauge.open >= count && Number.isNaN(allOpenAt)) allOpenAt = performance.now() - started;
          for (const [name, pid] of Object.entries(pids)) {
            const m = await memoryOf(pid);
            out[`rss.${name}`] = Math.max(out[`rss.${name}`] ?? 0, m.rss / MB);
          }
          await sleep(100);
        }
      })();
      const r = await runStreams(
        t.chat({ 'x-sim-scenario': scenario }),
        body,
        count,
        count,
        120_000,
        intervalMs,
        gauge,
      );
      running = false;
      await sampler;
      if (r.firstError && r.errors > 0) console.warn(`  ${t.id}: ${r.errors} errors, first: ${r.firstError}`);
      for (const [name, pid] of Object.entries(pids)) out[`hwm.${name}`] = (await memoryOf(pid)).hwm / MB;
      return {
        ...out,
        peakOpen: r.peakOpen,
        allOpenMs: allOpenAt,
        ttfbP99: quantile(r.ttfb, 0.99),
        completed: r.completed,
        errors: r.errors,
      };
    },
  };
}

/** Images through the gateway (compressed) and through the others (passed as they are). */
function imageScenario(image: ImageCase, count: number, concurrency: number, sim: Simulator): Scenario {
  return {
    id: `image-${image.name.split(' ')[0]?.toLowerCase() ?? 'x'}`,
    title: `image upload: ${image.name}, c=${concurrency} (${count} requests)`,
    kind: 'images',
    targets: ['direct', 'proxy', 'portkey'],
    async run(t) {
      await sim.largeBodies(true);
      const r = await runRequests(t.chat(), image.body, concurrency, count, 120_000);
      if (r.firstError && r.errors > 0) console.warn(`  ${t.id}: ${r.errors} errors, first: ${r.firstError}`);
      const upstream = await sim.largeBodies(true);
      // Bodies under the simulator's 10 kB "large" threshold are not counted (images never get that small).
      const upstreamPerImage = r.completed > 0 ? upstream.bytes / r.completed : Number.NaN;
      const sent = Buffer.byteLength(image.body);
      return {
        rate: (r.completed / r.elapsedMs) * 1000,
        p50: quantile(r.latencies, 0.5),
        sentKB: sent / 1024,
        upstreamKB: upstreamPerImage / 1024,
        savedPct: (100 * (sent - upstreamPerImage)) / sent,
        errors: r.errors,
      };
    },
  };
}

/** How big each scenario is; BENCH_SCALE multiplies the request counts (not concurrency). */
export function scenarios(
  scale: number,
  sim: Simulator,
  images: ImageCase[],
): { rounds: Scenario[]; open: Scenario; images: Scenario[] } {
  const n = (count: number, min = 1) => Math.max(min, Math.round(count * scale));
  return {
    rounds: [
      requestsScenario(1, n(300, 20)),
      requestsScenario(16, n(1500, 50)),
      requestsScenario(64, n(1500, 100)),
      streamsScenario(1, n(12, 3), 5),
      streamsScenario(200, n(400, 200), 20),
    ],
    open: openStreamsScenario(1000, 400),
    images: images.map((img) => imageScenario(img, n(4, 2), 2, sim)),
  };
}
