/**
 * What OTLP costs the gateway as it is deployed, beside what it costs the proxy alone
 * (docs/reports/telemetry-cost.md, "The fourteenth pass"): one proxy, its telemetry switched on
 * and off by a config reload as in the telemetry row (bench/telemetry.ts), reached in the same
 * rounds directly and through Caddy with TLS in front of it, as clients reach it. Behind Caddy a
 * request costs the machine more than twice the proxy's own work, so the same microseconds of
 * telemetry are a smaller share; this tells how much smaller, measured rather than assumed.
 * Each round runs both states (their order alternating) and, in each state, both paths (their
 * order alternating every two rounds). Reports the medians of each round's on ÷ off for
 * throughput and for CPU per request (the proxy's alone directly; the proxy's and Caddy's
 * together through Caddy), and checks that every span made while on reached the sink.
 * Run after `tsc -p bench/tsconfig.json` as `$NODE_BIN dist/bench/telemetry-deployed-main.js`
 * (BENCH_TELEMETRY_ROUNDS, default 16; BENCH_SCALE, default 1; about three minutes).
 */
import '../test/harness/loopback-guard.js';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import { Pool } from 'undici';
import { median, runRequests, type Endpoint } from './load.js';
import { benchFolders } from './folders.js';
import { cpuMsOf } from './processes.js';
import { proxyChat, startProxyAlone } from './start-gateway.js';
import { startCaddyAlone, startSimulator } from './start-others.js';
import { chatBody } from './targets.js';
import { otlpTelemetry, startSink, switchProxyTelemetry } from './telemetry.js';
import { stopChild } from '../test/harness/child.js';

const ROUNDS = Number(process.env.BENCH_TELEMETRY_ROUNDS ?? 16);
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const COUNT = Math.max(1500, Math.round(12000 * SCALE));
// What the proxy answers a request without a key, so Caddy is known to reach it.
const UNAUTHORIZED = 401;

type Path = 'direct' | 'caddy';
type Run = { rps: number; cpuMs: number };

const { dir, sub } = await benchFolders('gw-bench-otel-deployed-');
const sim = await startSimulator(await sub('sim'));
const sink = await startSink(http.createServer(), ['application/x-protobuf', '']);
const telemetry = otlpTelemetry(sink.url);
const proxyDir = await sub('proxy');
const proxy = await startProxyAlone(proxyDir, sim.port, [], (config) => {
  (config.server as Record<string, unknown>).telemetry = telemetry;
});
const caddy = await startCaddyAlone(await sub('caddy'), proxy.port, UNAUTHORIZED);
const pools = [
  new Pool(`http://127.0.0.1:${proxy.port}`, { connections: 32 }),
  new Pool(`https://127.0.0.1:${caddy.httpsPort}`, {
    connections: 32,
    connect: { ca: caddy.ca, servername: 'localhost' },
  }),
];
const direct = proxyChat(proxy.port, pools[0]!);
const endpoints: Record<Path, Endpoint> = {
  direct,
  caddy: {
    ...direct,
    dispatcher: pools[1]!,
    origin: `https://127.0.0.1:${caddy.httpsPort}`,
    headers: { ...direct.headers, host: `localhost:${caddy.httpsPort}` },
  },
};
const proxyPid = proxy.child.proc.pid ?? 0;
let on = true;
// Requests served while on, each traced with two spans.
let tracedRequests = 0;

// A run on one path: requests per second, and the CPU per request of the processes it crosses.
async function run(via: Path, requests = COUNT): Promise<Run> {
  const pids = via === 'caddy' ? [proxyPid, caddy.caddy.pid()] : [proxyPid];
  const before = await cpuMsOf(pids);
  const r = await runRequests(endpoints[via], chatBody(false), 16, requests, 60_000);
  if (r.errors) throw new Error(`${via}: ${r.errors} errors (${r.firstError ?? ''})`);
  if (on) tracedRequests += r.completed;
  return { rps: (r.completed / r.elapsedMs) * 1000, cpuMs: ((await cpuMsOf(pids)) - before) / r.completed };
}

// Switched and warmed up on both paths (the exporter's start, the first exports) before measuring.
async function switchTo(state: boolean): Promise<void> {
  if (on === state) return;
  await switchProxyTelemetry(proxy, proxyDir, state ? telemetry : undefined);
  on = state;
  await run('direct', Math.min(COUNT, 2000));
  await run('caddy', Math.min(COUNT, 2000));
}

const rounds: Array<Record<`${Path}-${'on' | 'off'}`, Run>> = [];
try {
  for (const via of ['direct', 'caddy'] as const) await run(via);
  await switchTo(false);
  for (const via of ['direct', 'caddy'] as const) await run(via);
  for (let i = 0; i < ROUNDS; i++) {
    const got: Partial<Record<`${Path}-${'on' | 'off'}`, Run>> = {};
    for (const state of i % 2 ? [false, true] : [true, false]) {
      await switchTo(state);
      for (const via of (i >> 1) % 2 ? (['caddy', 'direct'] as const) : (['direct', 'caddy'] as const))
        got[`${via}-${state ? 'on' : 'off'}`] = await run(via);
    }
    const round = got as Record<`${Path}-${'on' | 'off'}`, Run>;
    rounds.push(round);
    const line = (via: Path) =>
      `${via} ${(round[`${via}-on`].rps / round[`${via}-off`].rps).toFixed(3)} (CPU ${(round[`${via}-off`].cpuMs / round[`${via}-on`].cpuMs).toFixed(3)}, off ${round[`${via}-off`].rps.toFixed(0)}/s ${(round[`${via}-off`].cpuMs * 1000).toFixed(0)} µs/request)`;
    console.log(`round ${i + 1}/${ROUNDS}: on ÷ off ${line('direct')}, ${line('caddy')}`);
  }
  // A switch off is done once the exporter has sent what it held.
  await switchTo(false);
  const ratio = (via: Path, figure: keyof Run) =>
    median(
      rounds.map((r) =>
        figure === 'rps' ? r[`${via}-on`].rps / r[`${via}-off`].rps : r[`${via}-off`].cpuMs / r[`${via}-on`].cpuMs,
      ),
    ).toFixed(3);
  const perRequest = (via: Path) => (median(rounds.map((r) => r[`${via}-off`].cpuMs)) * 1000).toFixed(0);
  console.log(`\nOTLP on ÷ off, medians of ${ROUNDS} rounds (${COUNT} requests a run, c=16):`);
  console.log('| path | throughput | CPU per request, off ÷ on | CPU per request switched off |');
  console.log('|---|---|---|---|');
  console.log(
    `| the proxy alone | ${ratio('direct', 'rps')} | ${ratio('direct', 'cpuMs')} | ${perRequest('direct')} µs |`,
  );
  console.log(
    `| through Caddy (TLS) | ${ratio('caddy', 'rps')} | ${ratio('caddy', 'cpuMs')} (the proxy's and Caddy's) | ${perRequest('caddy')} µs |`,
  );
  const made = 2 * tracedRequests;
  console.log(`spans received ÷ made while on: ${sink.spans()} of ${made}`);
  const unreadable = sink.unreadable();
  if (unreadable) throw new Error(`the sink could not read a trace export (${unreadable})`);
  if (sink.spans() !== made) process.exitCode = 1;
} finally {
  await Promise.all(pools.map((p) => p.close()));
  await stopChild(proxy.child);
  await caddy.caddy.stop();
  await stopChild(sim.child);
  await sink.close();
  await fs.rm(dir, { recursive: true, force: true });
}
