/**
 * `make bench`: starts the five targets on loopback, checks each answers correctly, then runs
 * every scenario on every target in interleaved rounds (target order rotated per round, so
 * machine noise hits all alike), profiles the proxy under load, and writes docs/reports/benchmarks.md.
 *
 * Environment: BENCH_ROUNDS (5), BENCH_OPEN_ROUNDS (2), BENCH_TELEMETRY_ROUNDS (12, or BENCH_ROUNDS
 * when only that is set), BENCH_SCALE (1: request counts),
 * BENCH_MAX_MINUTES (15: the whole run is killed past it), BENCH_OUT (docs/reports/benchmarks.md),
 * BENCH_PORTKEY_PORT (a free port), BENCH_KEEP (keep the temp dir).
 */
import '../test/harness/loopback-guard.js';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runRequests, runStreams } from './load.js';
import { imageCases } from './images.js';
import { profileProxy } from './profile-run.js';
import {
  renderReport,
  type BenchResults,
  IDLE_SETTLE_S,
  type IdleMemory,
  type Machine,
  type ProfileResult,
  type ScenarioResult,
} from './report.js';
import { evaluateAims } from './aims.js';
import { reportNotes } from './notes.js';
import { scenarios, type Scenario } from './scenarios.js';
import { BENCH_MODEL, startProxyAlone, startStack } from './start-gateway.js';
import { startCaddyAlone, startPortkey, startSimulator } from './start-others.js';
import { cpuSample } from './processes.js';
import { stopChild } from '../test/harness/child.js';
import { describeMachine } from '../test/harness/machine.js';
import { REPO_ROOT } from '../test/harness/paths.js';
import { memoryOf } from '../test/harness/proc-memory.js';
import { buildTargets, chatBody, type Target, type TargetId } from './targets.js';
import { benchGovernance } from './governance.js';
import { benchSharedState } from './shared-state.js';
import { TELEMETRY_ROUNDS, benchTelemetry } from './telemetry.js';
import { benchFolders } from './folders.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const OPEN_ROUNDS = Number(process.env.BENCH_OPEN_ROUNDS ?? 2);
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const MAX_MINUTES = Number(process.env.BENCH_MAX_MINUTES ?? 15);
const OUT = path.resolve(REPO_ROOT, process.env.BENCH_OUT ?? 'docs/reports/benchmarks.md');

const began = performance.now();
const { dir, sub } = await benchFolders('gw-bench-');
const cleanups: (() => Promise<void>)[] = [];
const log = (msg: string) => console.log(`[${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${msg}`);

async function cleanup(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) await fn().catch((err: unknown) => console.error('cleanup:', err));
  if (!process.env.BENCH_KEEP) await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
}

const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${MAX_MINUTES} minutes; stopping everything`);
  void cleanup().finally(() => process.exit(1));
}, MAX_MINUTES * 60_000);
watchdog.unref();
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => void cleanup().finally(() => process.exit(130)));

/** Every target answers a chat completion and passes the scenario header to the simulator. */
async function sanityCheck(t: Target): Promise<void> {
  const ep = t.chat();
  const res = await ep.dispatcher.request({
    origin: ep.origin,
    path: ep.path,
    method: 'POST',
    headers: ep.headers,
    body: chatBody(false),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200 || !text.includes('"chat.completion"'))
    throw new Error(`${t.id} does not answer a chat completion: ${res.statusCode} ${text.slice(0, 400)}`);
  const paced = JSON.stringify({ kind: 'slowChunks', intervalMs: 40, chunks: 20 });
  const s = await runStreams(t.chat({ 'x-sim-scenario': paced }), chatBody(true), 1, 1, 20_000, 40);
  if (s.errors) throw new Error(`${t.id} does not relay a stream: ${s.firstError}`);
  const took = s.total[0] ?? 0;
  if (took < 24 * 40 * 0.9)
    throw new Error(
      `${t.id}: the x-sim-scenario header did not reach the simulator (a paced stream took ${took.toFixed(0)} ms)`,
    );
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % Math.max(1, items.length);
  return [...items.slice(k), ...items.slice(0, k)];
}

async function runRounds(
  list: Scenario[],
  rounds: number,
  targets: Record<TargetId, Target>,
  into: Map<string, ScenarioResult>,
): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (const scenario of list) {
      const result = into.get(scenario.id) ?? {
        scenario: { id: scenario.id, title: scenario.title, kind: scenario.kind, targets: scenario.targets },
        rounds: {},
      };
      into.set(scenario.id, result);
      for (const id of rotate(scenario.targets, round)) {
        const m = await scenario.run(targets[id]);
        (result.rounds[id] ??= []).push(m);
        const shown = Object.entries(m)
          .filter(([k]) => !k.startsWith('base.') && !k.startsWith('hwm.'))
          .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(2)}`);
        log(`round ${round + 1}/${rounds} ${scenario.id} ${id}: ${shown.join(' ')}`);
      }
    }
  }
}

try {
  // Portkey's version is known once it has started.
  const machine: Machine = { ...(await describeMachine()), portkey: '?' };
  log(
    `machine: ${machine.cpus} CPUs, ${machine.cpuModel}, Node ${machine.node}, Caddy ${machine.caddy}; temp dir ${dir}`,
  );
  const sim = await startSimulator(await sub('sim'));
  cleanups.push(() => stopChild(sim.child));
  const caddy = await startCaddyAlone(await sub('caddy'), sim.port);
  cleanups.push(() => caddy.caddy.stop());
  const proxy = await startProxyAlone(await sub('proxy'), sim.port);
  cleanups.push(() => stopChild(proxy.child));
  const stack = await startStack(await sub('stack'), sim.port);
  cleanups.push(() => stack.stop());
  const portkey = await startPortkey(await sub('portkey'));
  cleanups.push(() => stopChild(portkey.child));
  machine.portkey = portkey.version;
  log(
    `started: simulator :${sim.port}, Caddy alone :${caddy.httpsPort}, proxy :${proxy.port}, stack :${stack.httpsPort}, Portkey :${portkey.port}`,
  );

  const stackPids = await stack.pids();
  const idle: IdleMemory[] = [];
  const idlePids: (number | undefined)[] = [];
  for (const [name, pid] of [
    ['simulator', sim.child.proc.pid],
    ['Caddy alone', caddy.caddy.pid()],
    ["stack's Caddy", stackPids.caddy],
    ["stack's proxy", stackPids.proxy],
    ["stack's admin", stackPids.admin],
    ['proxy alone', proxy.child.proc.pid],
    ['Portkey', portkey.child.proc.pid],
  ] as const) {
    idle.push({ process: name, mb: (await memoryOf(pid ?? 0)).rss / 2 ** 20 });
    idlePids.push(pid);
  }
  const targets = buildTargets({ sim, caddy, stack, proxy, portkey });
  cleanups.push(async () => void (await Promise.all(Object.values(targets).map((t) => t.close()))));
  for (const t of Object.values(targets)) await sanityCheck(t);
  log('every target answers chat completions and relays paced streams');

  const images = await imageCases(BENCH_MODEL);
  const plan = scenarios(SCALE, sim, images);
  // Warm-up: JIT, connection pools and TLS sessions, on every target, not measured.
  for (const t of Object.values(targets)) {
    await runRequests(t.chat(), chatBody(false), 16, 400, 30_000);
    await runStreams(
      t.chat({ 'x-sim-scenario': JSON.stringify({ kind: 'slowChunks', intervalMs: 2, chunks: 20 }) }),
      chatBody(true),
      20,
      60,
      30_000,
      2,
    );
  }
  // Idle memory after real work: what a quiet gateway holds between bursts.
  await new Promise((r) => setTimeout(r, IDLE_SETTLE_S * 1000));
  for (const [i, pid] of idlePids.entries()) {
    const entry = idle[i];
    if (entry) entry.warmMb = (await memoryOf(pid ?? 0)).rss / 2 ** 20;
  }
  log(`warm-up done; idle RSS: ${idle.map((i) => `${i.process} ${i.warmMb?.toFixed(1)} MB`).join(', ')}`);

  const results = new Map<string, ScenarioResult>();
  const cpuBefore = await cpuSample(process.pid);
  await runRounds(plan.rounds, ROUNDS, targets, results);
  await runRounds([plan.open], OPEN_ROUNDS, targets, results);
  await runRounds(plan.images, ROUNDS, targets, results);
  const cpuAfter = await cpuSample(process.pid);
  const ticks = Math.max(1, cpuAfter.total - cpuBefore.total);
  const load = {
    otherPct: (100 * Math.max(0, cpuAfter.busy - cpuBefore.busy - (cpuAfter.tree - cpuBefore.tree))) / ticks,
    stealPct: (100 * (cpuAfter.steal - cpuBefore.steal)) / ticks,
  };
  log(
    `machine load during the rounds: other processes ${load.otherPct.toFixed(1)} % of the CPUs, steal ${load.stealPct.toFixed(1)} %`,
  );

  // Stop everything but the simulator, then measure governance and profile a fresh proxy alone.
  for (const fn of cleanups.splice(1).reverse()) await fn();
  const governance = await benchGovernance(sub, sim.port, ROUNDS, SCALE, log);
  const sharedState = await benchSharedState(sub, sim.port, ROUNDS, SCALE, log);
  const telemetry = await benchTelemetry(sub, sim.port, TELEMETRY_ROUNDS, SCALE, log);
  const profiles: ProfileResult[] = [];
  for (const load of [
    { kind: 'chat', count: Math.max(500, Math.round(6000 * SCALE)), concurrency: 16 },
    { kind: 'stream', count: Math.max(200, Math.round(800 * SCALE)), concurrency: 200, intervalMs: 20 },
  ] as const) {
    log(`profiling the proxy alone under --cpu-prof: ${load.count} ${load.kind} requests at c=${load.concurrency}`);
    const p = await profileProxy(await sub(`profile-${load.kind}`), sim.port, load);
    log(
      `profile: ${p.rate.toFixed(0)}/s with the profiler on; busy ${p.summary.busyMs.toFixed(0)} ms of ${p.summary.totalMs.toFixed(0)} ms`,
    );
    profiles.push(p);
  }

  const bench: BenchResults = {
    machine,
    idle,
    rounds: ROUNDS,
    openRounds: OPEN_ROUNDS,
    scale: SCALE,
    durationS: (performance.now() - began) / 1000,
    results: [...results.values()],
    load,
    profiles,
    governance,
    sharedState,
    telemetry,
  };
  // The hand-written account of what moved which figure, and why the aims not met are not, rides
  // along with every regenerated report.
  const findings = await fs.readFile(path.join(REPO_ROOT, 'bench', 'findings.md'), 'utf8').catch(() => '');
  const report = renderReport(bench, evaluateAims(bench.results, idle), `${findings}\n${reportNotes(images)}`);
  await fs.mkdir(path.dirname(OUT), { recursive: true });
  await fs.writeFile(OUT, report);
  const raw = path.join(os.tmpdir(), `gw-bench-results-${Date.now()}.json`);
  await fs.writeFile(raw, JSON.stringify(bench, null, 1));
  console.log(`\n${report}`);
  log(`wrote ${path.relative(REPO_ROOT, OUT)} (raw figures: ${raw})`);
} catch (err) {
  console.error('bench failed:', err);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
  await cleanup();
}
