/**
 * `make soak`: the reliability suite. Starts the real stack, holds a load (phase 1), injects
 * faults under load (phase 2), fuzzes every endpoint (phase 3), checks nothing was lost (phase 4),
 * prints a summary and writes docs/reports/reliability.md. Exits 1 when a check fails, 2 when the run
 * could not finish. Every loop is bounded; SOAK_MAX_SECONDS is a hard ceiling for the whole run.
 */
// First: every connection this process opens must stay on loopback.
import '../test/harness/loopback-guard.js';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_BODY_LIMIT_BYTES } from '../common/runtime-env.js';
import { SIMULATOR_MODELS } from '../stack/init-simulator.js';
import { REPO_ROOT } from '../test/harness/paths.js';
import { sleep } from '../test/harness/ports.js';
import { killStack } from '../test/harness/stack.js';
import { checkData } from './data-check.js';
import { unmountTinyDisk } from './disk.js';
import { diskFull } from './fault-disk.js';
import { count, startBackground, type Counted, type FaultResult } from './fault-types.js';
import { caddyHealthInterval, killProxy, reloadCaddy } from './faults-process.js';
import { credentialOutage, dropMidStream, stormOnOneTarget } from './faults-upstream.js';
import { runFuzz } from './fuzz.js';
import { closeDoors, describe } from './http.js';
import type { RunningLoad } from './load.js';
import { holdLoad } from './phase-load.js';
import { consoleSummary, writeReport } from './report.js';
import { machineInfo, type SoakResults } from './results.js';
import { readSettings } from './settings.js';
import { SOAK_CLIENT_TIMEOUTS, startSoak, type Soak } from './setup.js';

const run = promisify(execFile);
const log = (msg: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${msg}`);

const settings = readSettings(REPO_ROOT);
const results: SoakResults & { betweenFaults?: Counted } = {
  machine: await machineInfo(),
  settings,
  seconds: 0,
  faults: [],
};
const started = Date.now();
let soak: Soak | undefined;
let cleaned: Promise<void> | undefined;

async function cleanup(): Promise<void> {
  cleaned ??= (async () => {
    if (!soak) return;
    soak.stopTimers();
    await closeDoors(soak.doors.caddy, soak.doors.caddyHttp1, soak.doors.proxy, soak.doors.admin);
    if (soak.stack.child.exitCode === null) {
      await Promise.race([soak.stack.stop(), sleep(30_000)]);
      await killStack(soak.stack);
    }
    await Promise.all([soak.storm.close(), soak.mi.close(), soak.identity.close()]);
    if (settings.keep) {
      await run('cp', ['-a', soak.stack.dataDir, path.join(soak.base, 'data-copy')]).catch(() => undefined);
      log(`kept ${soak.base} (stack log: ${soak.stack.logFile}, DATA_DIR copy: ${path.join(soak.base, 'data-copy')})`);
    }
    await unmountTinyDisk(soak.disk);
    if (!settings.keep) await fs.rm(soak.base, { recursive: true, force: true }).catch(() => undefined);
  })();
  return cleaned;
}

const watchdog = setTimeout(() => {
  results.aborted = `still running after SOAK_MAX_SECONDS=${settings.maxRunSeconds}; stopped`;
  console.error(`soak: ${results.aborted}`);
  void cleanup()
    .then(() => writeReport(settings.reportFile, { ...results, seconds: (Date.now() - started) / 1000 }))
    .finally(() => process.exit(2));
}, settings.maxRunSeconds * 1000);
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => void cleanup().finally(() => process.exit(130)));

/** Background outcomes outside every fault window (the control: should all be fine). */
function outsideWindows(bg: RunningLoad, faults: readonly FaultResult[]): Counted {
  return count(bg.outcomes.filter((o) => !faults.some((f) => o.t1 >= f.from && o.t0 <= f.to)));
}

/** True when the run found something that must be fixed. */
function failed(r: typeof results): string[] {
  const why: string[] = [];
  if (r.aborted) why.push(`aborted: ${r.aborted}`);
  const l = r.load;
  if (l) {
    const nonStreamErrors = l.byGroup.filter((g) => g.name !== 'caddy-stream').reduce((n, g) => n + g.errors, 0);
    if (nonStreamErrors > 0) why.push(`${nonStreamErrors} error(s) under load outside Caddy's stream cuts`);
    const streamOther = l.streamsViaCaddy.streams - l.streamsViaCaddy.complete - l.streamsViaCaddy.cut;
    if (streamOther > 0) why.push(`${streamOther} stream(s) through Caddy failed other than by a cut`);
    if (l.usage && l.usage.sent !== l.usage.counted)
      why.push(`usage counted ${l.usage.counted} of ${l.usage.sent} requests`);
  }
  for (const f of r.faults) if (f.verdict === 'failed') why.push(`fault "${f.name}" not survived`);
  if (r.betweenFaults && r.betweenFaults.errors > 0) why.push(`${r.betweenFaults.errors} error(s) between faults`);
  const z = r.fuzz;
  if (z && (z.status500 || z.crashes || z.leaks || z.stackTraces || z.timeouts))
    why.push(
      `fuzz: ${z.status500} × 500, ${z.crashes} crash(es), ${z.leaks} leak(s), ${z.stackTraces} stack trace(s), ${z.timeouts} request(s) never answered`,
    );
  if (z?.hardening && (z.hardening.slowOpen || z.hardening.bodyCrashes))
    why.push(
      `hardening: ${z.hardening.slowOpen} slow connection(s) never cut off, ${z.hardening.bodyCrashes} body attack(s) crashed the proxy`,
    );
  if (z?.stall && !z.stall.ok)
    why.push(
      `parked connection: direct upload ${z.stall.direct.upload}; follow-ups through Caddy ${z.stall.viaCaddy.followUps.join(', ')}`,
    );
  if (r.data && r.data.dataLost > 0) why.push(`data lost: ${r.data.dataLost}`);
  if (r.data && (!r.data.configValid || !r.data.restartOk || r.data.fuzzMarkerFound))
    why.push('config or restart check failed');
  return why;
}

/** Phase 2: each fault in turn under one background load. */
async function faultsPhase(s: Soak): Promise<void> {
  log('phase 2: faults under load');
  results.healthInterval = await caddyHealthInterval(s);
  const bg = startBackground(s, Date.now() + 20 * 60_000);
  await sleep(3_000);
  const faults: Array<(s: Soak, b: RunningLoad) => Promise<FaultResult>> = [
    // Twice: what clients see depends on whether Caddy's active health check falls in the ~2 s
    // the proxy is down, so one kill can look better or worse than the next.
    async (x, b) => {
      const r = await killProxy(x, b, 1);
      results.unpersistedAtKill = r.unpersistedUsage;
      results.ledgerLossAtKill = r.ledgerLoss;
      return r;
    },
    async (x, b) => {
      await sleep(4_000);
      return killProxy(x, b, 2);
    },
    reloadCaddy,
    stormOnOneTarget,
    dropMidStream,
    credentialOutage,
    diskFull,
  ];
  for (const fault of faults) {
    const r = await fault(s, bg);
    results.faults.push(r);
    log(`  ${r.name}: ${r.verdict}, ${r.clientErrors} client-visible error(s)`);
    await sleep(2_000);
  }
  await bg.stop();
  results.betweenFaults = outsideWindows(bg, results.faults);
}

/** Phase 3: the fuzzer against every door. */
async function fuzzPhase(s: Soak): Promise<void> {
  log(`phase 3: fuzzing (${settings.fuzzRuns} generated cases + fixed ones)`);
  results.fuzz = await runFuzz(
    {
      doors: {
        caddy: s.doors.caddyHttp1,
        proxy: s.doors.proxy,
        admin: s.doors.admin,
        'admin-caddy': s.doors.caddyHttp1,
      },
      runDir: s.stack.runDir,
      clientKey: s.keys.first,
      healthKey: s.healthKey,
      adminAuth: s.adminAuth,
      currentConfig: () => s.admin.config(),
      secrets: () => s.secrets(),
      onKeyCreated: (id, key) => {
        // A created id the fuzzer may revoke later (its revocations use fuzz-* ids) is not expected back.
        if (!id.startsWith('fuzz-')) s.added.keys[id] = key;
        s.addSecret(`client key ${id} (created by the fuzzer)`, key);
      },
      bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES,
      caddyCa: s.caddyCa,
      clientTimeouts: SOAK_CLIENT_TIMEOUTS,
    },
    settings.fuzzRuns,
    settings.fuzzSeed,
  );
  log(
    `phase 3 done: ${results.fuzz.sent} sent, ${results.fuzz.status500} × 500, ${results.fuzz.status5xx} other 5xx, ${results.fuzz.timeouts} unanswered, ${results.fuzz.crashes} crashes, ${results.fuzz.leaks} leaks`,
  );
}

try {
  log(
    `machine: ${results.machine.cpus} CPU, load average ${results.machine.loadAvgStart.toFixed(2)}; seed ${settings.fuzzSeed}`,
  );
  log('starting the stack (entrypoint → init → supervisord) on a tmpfs DATA_DIR');
  soak = await startSoak(settings, REPO_ROOT);
  log(
    `stack up at ${soak.stack.url}; DATA_DIR ${soak.disk.mounted ? 'on tmpfs' : `NOT on tmpfs (${soak.disk.reason})`}`,
  );

  if (!settings.skip.has('load')) {
    log(`phase 1: load held for ${settings.loadSeconds} s`);
    results.load = await holdLoad(soak);
    log(`phase 1 done: ${results.load.requests} requests, ${results.load.errors} errors`);
  }
  if (!settings.skip.has('faults')) await faultsPhase(soak);
  if (!settings.skip.has('fuzz')) await fuzzPhase(soak);
  if (!settings.skip.has('data')) {
    log('phase 4: data lost? (config, keys, usage across a graceful stop and a restart)');
    results.data = await checkData(
      soak,
      {
        models: ['pool', 'mi-model', ...SIMULATOR_MODELS, ...soak.added.models],
        upstreams: ['simulator', 'storm', 'mi', ...soak.added.upstreams],
        keyIds: Object.keys(soak.added.keys),
      },
      soak.added.keys,
    );
  }
} catch (err) {
  results.aborted = `${describe(err)}${err instanceof Error && err.stack ? `\n${err.stack.split('\n').slice(1, 6).join('\n')}` : ''}`;
  console.error(`soak: ${results.aborted}`);
  if (soak) console.error(`--- stack log tail ---\n${(await soak.stack.log().catch(() => '')).slice(-3000)}`);
} finally {
  await cleanup();
  clearTimeout(watchdog);
}

results.seconds = (Date.now() - started) / 1000;
results.machine.loadAvgEnd = os.loadavg()[0] ?? 0;
if (results.betweenFaults) {
  results.faults.push({
    name: 'between faults (control)',
    action: 'background load outside every fault window',
    from: 0,
    to: 0,
    background: results.betweenFaults,
    clientErrors: results.betweenFaults.errors,
    verdict: results.betweenFaults.errors ? 'degraded' : 'survived',
    notes: [`${results.betweenFaults.requests} request(s), ${results.betweenFaults.errors} error(s)`],
  });
}
await writeReport(settings.reportFile, results);
console.log(consoleSummary(results));
log(`report written to ${path.relative(process.cwd(), settings.reportFile) || settings.reportFile}`);
const why = failed(results);
if (why.length) console.log(`soak: FAILED\n${why.map((w) => `  - ${w}`).join('\n')}`);
process.exit(results.aborted ? 2 : why.length ? 1 : 0);
