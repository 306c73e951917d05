/**
 * The cost of telemetry (docs/telemetry.md, "What it costs"): non-streamed chat at c=16 through
 * the proxy alone, in interleaved rounds. The aim is judged on one proxy whose telemetry is
 * switched on and off by a config reload between runs (OTLP/HTTP protobuf, every request traced
 * and measured, to a loopback sink): two proxy processes of the same build and config differ by
 * up to a tenth in CPU per request from start to start, more than the cost being measured, and
 * one process toggled is how an operator turns telemetry on anyway. A separate proxy with
 * telemetry off and another exporting through the Azure Monitor distro are measured in the same
 * rounds. The sinks drain and accept each export without decoding it, as a collector on another
 * machine would cost this one nothing.
 */
import { promises as fs } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Pool, request } from 'undici';
import { runRequests } from './load.js';
import { proxyChat, startProxyAlone, type ProxyAlone } from './start-gateway.js';
import { stopChild } from '../test/harness/child.js';
import { loopbackCertificate } from '../test/harness/ingestion-receiver.js';
import { chatBody } from './targets.js';
import { EXPORTER_THREAD_NAME } from '../proxy/telemetry/otlp/otlp-thread.js';
import { cpuMsOf, namedThreadCpuMs, threadCpuMs } from './processes.js';
import { countSpans } from './otlp-span-count.js';
import { waitUntil } from '../test/harness/ports.js';
import { balancedOrder } from './run-order.js';

/**
 * What the telemetry row measured: requests per second, and the proxy's own CPU time per request
 * (user + system, from /proc), which other load on a shared machine does not move.
 */
export interface TelemetryBench {
  rounds: Array<{
    /** The toggled proxy with OTLP on, and the same process with telemetry switched off. */
    withTelemetry: number;
    toggledOff: number;
    cpuMsWith: number;
    cpuMsToggledOff: number;
    /** The CPU of the toggled proxy's request thread alone (the exporter has a thread of its own). */
    threadMsWith?: number;
    threadMsToggledOff?: number;
    /** The CPU of the toggled proxy's exporter thread while on. */
    exporterMsWith?: number;
    /** A second proxy process that never had telemetry on. */
    without: number;
    cpuMsWithout: number;
    /** The same with Azure Monitor (the distro, on the OpenTelemetry SDK) instead of OTLP. */
    withAzure: number;
    cpuMsAzure: number;
  }>;
  /** Export requests the sink received (spans and metrics), so an "on" that exported nothing shows. */
  exports: number;
  /**
   * Spans the toggled proxy made while on (two per request: the request's and its one try's) and
   * spans the sink received: the aim counts only if none was dropped.
   */
  spansMade: number;
  spansReceived: number;
  /** Ingestion requests (`/v2.1/track`) the sink received from the Azure Monitor proxy. */
  azureExports: number;
}

/**
 * The row's rounds (BENCH_TELEMETRY_ROUNDS, else BENCH_ROUNDS, else 12), for `make bench` and the
 * row alone alike. Its single rounds spread from 0.77 to 1.16 of each other (runs of 1.5 s on two
 * CPUs shared with the load generator and the simulator), so its median needs more rounds than
 * the other rows: three whole cycles of its balanced order of four runs (run-order.ts).
 */
export const TELEMETRY_ROUNDS = Number(process.env.BENCH_TELEMETRY_ROUNDS ?? process.env.BENCH_ROUNDS ?? 12);

const exporterThreadMs = (pid: number) => namedThreadCpuMs(pid, EXPORTER_THREAD_NAME);

/** A loopback collector stand-in (startSink). */
export interface Sink {
  url: string;
  exports(): number;
  /** Spans received in trace exports. */
  spans(): number;
  /** Why the first trace export the sink could not read was refused, if one was. */
  unreadable(): string | undefined;
  close(): Promise<void>;
}

// Counts what arrives and answers `answer`; drains without decoding, as a collector on another
// machine would cost this one nothing. Trace exports (to /v1/traces) are kept until they end and
// their spans counted (otlp-span-count.ts), still without decoding them.
export async function startSink(server: http.Server | https.Server, answer: [string, string]): Promise<Sink> {
  let count = 0;
  let spans = 0;
  let unreadable: string | undefined;
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] | undefined = req.url === '/v1/traces' ? [] : undefined;
    if (chunks) req.on('data', (c: Buffer) => chunks.push(c));
    else req.resume();
    req.on('end', () => {
      count++;
      if (chunks) {
        try {
          spans += countSpans(Buffer.concat(chunks));
        } catch (err) {
          unreadable ??= err instanceof Error ? err.message : String(err);
        }
      }
      res.writeHead(200, { 'content-type': answer[0] }).end(answer[1]);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const scheme = server instanceof https.Server ? 'https' : 'http';
  return {
    url: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exports: () => count,
    spans: () => spans,
    unreadable: () => unreadable,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// Application Insights' ingestion endpoint stand-in: HTTPS (the Azure exporter turns http:// into
// https://), its certificate trusted by the proxy through NODE_EXTRA_CA_CERTS, answered as the
// service does so the exporter neither retries nor spools to disk.
async function startIngestionSink(dir: string): Promise<Sink & { caFile: string }> {
  const { cert, key } = await loopbackCertificate();
  const caFile = path.join(dir, 'ingestion-ca.pem');
  await fs.writeFile(caFile, cert);
  const sink = await startSink(https.createServer({ cert, key }), [
    'application/json',
    JSON.stringify({ itemsReceived: 0, itemsAccepted: 0, errors: [] }),
  ]);
  return { ...sink, caFile };
}

// Resolves once the log `file`, past byte `from`, holds a line whose message is `msg`: the proxy
// says "telemetry on" once its exporter runs and "telemetry off" once the old one has sent what it
// held, so a switch is waited for until it is done, not only until the reload answers.
async function logSays(file: string, from: number, msg: string): Promise<void> {
  const needle = `"msg":"${msg}"`;
  await waitUntil(
    async () => {
      const handle = await fs.open(file, 'r');
      try {
        const length = (await handle.stat()).size - from;
        const { buffer, bytesRead } = await handle.read(Buffer.alloc(length), 0, length, from);
        return buffer.toString('utf8', 0, bytesRead).includes(needle);
      } finally {
        await handle.close();
      }
    },
    20_000,
    `the proxy to log "${msg}"`,
  );
}

/**
 * Switches the telemetry of a proxy alone started in `dir` (startProxyAlone): its config file
 * gets `telemetry` (or none), the proxy reloads, and this resolves once the proxy has logged the
 * switch done, not only once the reload answers.
 */
export async function switchProxyTelemetry(
  p: ProxyAlone,
  dir: string,
  telemetry: Record<string, unknown> | undefined,
): Promise<void> {
  const file = path.join(dir, 'data', 'config.json');
  const config = JSON.parse(await fs.readFile(file, 'utf8')) as { server: Record<string, unknown> };
  if (telemetry) config.server.telemetry = telemetry;
  else delete config.server.telemetry;
  await fs.writeFile(file, JSON.stringify(config, null, 2));
  const logFrom = (await fs.stat(p.child.logFile)).size;
  const res = await request(`http://127.0.0.1:${p.internalPort}/internal/reload`, { method: 'POST' });
  await res.body.dump();
  if (res.statusCode !== 200) throw new Error(`telemetry switch: reload answered ${res.statusCode}`);
  await logSays(p.child.logFile, logFrom, telemetry ? 'telemetry on' : 'telemetry off');
}

/** OTLP/HTTP protobuf to `endpoint`, every request traced and measured: what the rows switch on. */
export function otlpTelemetry(endpoint: string): Record<string, unknown> {
  return { otlp: { endpoint, protocol: 'http/protobuf' }, metricIntervalMs: 5_000 };
}

const AZURE_IKEY = '11111111-2222-4333-8444-555555555555';

type Rate = { rps: number; cpuMs: number; threadMs: number; exporterMs: number | undefined };

/** Runs the telemetry row; `sub` makes a fresh folder. */
export async function benchTelemetry(
  sub: (name: string) => Promise<string>,
  simPort: number,
  rounds: number,
  scale: number,
  log: (msg: string) => void,
): Promise<TelemetryBench> {
  const sink = await startSink(http.createServer(), ['application/x-protobuf', '']);
  const ingestion = await startIngestionSink(await sub('otel-ingestion'));
  const started: ProxyAlone[] = [];
  try {
    const plain = await startProxyAlone(await sub('otel-off'), simPort);
    started.push(plain);
    const otlpOn = otlpTelemetry(sink.url);
    const tracedDir = await sub('otel-on');
    const traced = await startProxyAlone(tracedDir, simPort, [], (config) => {
      (config.server as Record<string, unknown>).telemetry = otlpOn;
    });
    started.push(traced);
    let tracedOn = true;
    // Requests the toggled proxy served while on, each traced with two spans.
    let tracedRequests = 0;
    const azure = await startProxyAlone(
      await sub('otel-azure'),
      simPort,
      [],
      (config) => {
        (config.server as Record<string, unknown>).telemetry = {
          azureMonitor: { connectionString: `InstrumentationKey=${AZURE_IKEY};IngestionEndpoint=${ingestion.url}/` },
          metricIntervalMs: 5_000,
        };
      },
      { NODE_EXTRA_CA_CERTS: ingestion.caFile },
    );
    started.push(azure);
    const pools = [
      new Pool(`http://127.0.0.1:${plain.port}`, { connections: 32 }),
      new Pool(`http://127.0.0.1:${traced.port}`, { connections: 32 }),
      new Pool(`http://127.0.0.1:${azure.port}`, { connections: 32 }),
    ] as const;
    // Long enough per run to reach a steady state (JIT, heap sizing): shorter runs varied by ±15 %.
    const count = Math.max(1500, Math.round(12000 * scale));
    const rate = async (p: ProxyAlone, pool: Pool, requests = count): Promise<Rate> => {
      const pid = p.child.proc.pid ?? 0;
      const cpuBefore = await cpuMsOf([pid]);
      const threadBefore = await threadCpuMs(pid);
      const exporterBefore = await exporterThreadMs(pid);
      const r = await runRequests(proxyChat(p.port, pool), chatBody(false), 16, requests, 60_000);
      if (r.errors) throw new Error(`telemetry row: ${r.errors} errors (${r.firstError ?? ''})`);
      if (p === traced && tracedOn) tracedRequests += r.completed;
      const cpu = (await cpuMsOf([pid])) - cpuBefore;
      const thread = (await threadCpuMs(pid)) - threadBefore;
      const exporterAfter = await exporterThreadMs(pid);
      return {
        rps: (r.completed / r.elapsedMs) * 1000,
        cpuMs: cpu / r.completed,
        threadMs: thread / r.completed,
        exporterMs:
          exporterBefore === undefined || exporterAfter === undefined
            ? undefined
            : (exporterAfter - exporterBefore) / r.completed,
      };
    };
    // The toggled proxy's telemetry switched by its config file and a reload, then warmed up
    // (the exporter's start, the first exports) before anything is measured.
    const switchTelemetry = async (on: boolean) => {
      if (tracedOn === on) return;
      await switchProxyTelemetry(traced, tracedDir, on ? otlpOn : undefined);
      tracedOn = on;
      await rate(traced, pools[1], Math.min(count, 2000));
    };
    // Warm-up (JIT, the SDK's first exports), not measured.
    await rate(plain, pools[0]);
    await rate(traced, pools[1]);
    await switchTelemetry(false);
    await rate(traced, pools[1]);
    await rate(azure, pools[2]);
    const out: TelemetryBench['rounds'] = [];
    // A run of the toggled proxy, checked against the sink: exports while on, none while off.
    const toggledRun = async (on: boolean) => {
      await switchTelemetry(on);
      const before = sink.exports();
      const r = await rate(traced, pools[1]);
      const exported = sink.exports() - before;
      if (on ? exported === 0 : exported > 0)
        throw new Error(`telemetry row: ${exported} exports while telemetry was ${on ? 'on' : 'off'}`);
      return r;
    };
    const runs = [
      () => toggledRun(true),
      () => toggledRun(false),
      () => rate(plain, pools[0]),
      () => rate(azure, pools[2]),
    ] as const;
    // Each round runs them all in a balanced order: none always first or last, and none always
    // after the same one, which would pay for what that one left behind.
    for (let i = 0; i < rounds; i++) {
      const got: Rate[] = [];
      for (const which of balancedOrder(runs.length, i)) got[which] = await runs[which]!();
      const [on, toggled, off, az] = got as [Rate, Rate, Rate, Rate];
      out.push({
        withTelemetry: on.rps,
        toggledOff: toggled.rps,
        cpuMsWith: on.cpuMs,
        cpuMsToggledOff: toggled.cpuMs,
        threadMsWith: on.threadMs,
        threadMsToggledOff: toggled.threadMs,
        ...(on.exporterMs === undefined ? {} : { exporterMsWith: on.exporterMs }),
        without: off.rps,
        cpuMsWithout: off.cpuMs,
        withAzure: az.rps,
        cpuMsAzure: az.cpuMs,
      });
      log(
        `telemetry round ${i + 1}/${rounds}: OTLP on ${on.rps.toFixed(0)}/s ${on.cpuMs.toFixed(3)} CPU ms/request, switched off ${toggled.rps.toFixed(0)}/s ${toggled.cpuMs.toFixed(3)} (throughput ${(on.rps / toggled.rps).toFixed(3)}, CPU ${(toggled.cpuMs / on.cpuMs).toFixed(3)}, request thread ${(toggled.threadMs / on.threadMs).toFixed(3)}, exporter's thread ${on.exporterMs === undefined ? 'not found' : `${(on.exporterMs * 1000).toFixed(1)} µs/request`}); another process off ${off.rps.toFixed(0)}/s ${off.cpuMs.toFixed(3)}; Azure Monitor ${az.rps.toFixed(0)}/s ${az.cpuMs.toFixed(3)} (throughput ${(az.rps / off.rps).toFixed(3)}, CPU ${(off.cpuMs / az.cpuMs).toFixed(3)})`,
      );
    }
    // A switch off is done once the exporter has sent what it held: ending off, every span made
    // while on has reached the sink.
    await switchTelemetry(false);
    const unreadable = sink.unreadable();
    if (unreadable) throw new Error(`telemetry row: the sink could not read a trace export (${unreadable})`);
    await Promise.all(pools.map((p) => p.close()));
    return {
      rounds: out,
      exports: sink.exports(),
      spansMade: 2 * tracedRequests,
      spansReceived: sink.spans(),
      azureExports: ingestion.exports(),
    };
  } finally {
    for (const p of started) await stopChild(p.child).catch(() => undefined);
    await sink.close();
    await ingestion.close();
  }
}
