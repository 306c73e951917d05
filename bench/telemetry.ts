/**
 * The cost of telemetry (docs/telemetry.md): the proxy alone exporting every request's spans and
 * the GenAI metrics over OTLP/HTTP protobuf to a loopback sink, against the same proxy with
 * telemetry off, non-streamed chat at c=16 in interleaved rounds. The sink drains and accepts
 * each export without decoding it, as a collector on another machine would cost this one nothing.
 */
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { runRequests } from './load.js';
import { BENCH_CLIENT_KEY, startProxyAlone, type ProxyAlone } from './start-gateway.js';
import { stopChild } from '../test/harness/child.js';
import { chatBody } from './targets.js';
import { median } from './load.js';

/**
 * What the telemetry row measured: requests per second, and the proxy's own CPU time per request
 * (user + system, from /proc), which other load on a shared machine does not move.
 */
export interface TelemetryBench {
  rounds: Array<{ withTelemetry: number; without: number; cpuMsWith: number; cpuMsWithout: number }>;
  /** Export requests the sink received (spans and metrics), so an "on" that exported nothing shows. */
  exports: number;
}

// utime + stime of `pid` in milliseconds (fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 10 ms).
async function cpuMs(pid: number): Promise<number> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

interface Sink {
  url: string;
  exports(): number;
  close(): Promise<void>;
}

async function startSink(): Promise<Sink> {
  let count = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exports: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Runs the telemetry row; `sub` makes a fresh folder. */
export async function benchTelemetry(
  sub: (name: string) => Promise<string>,
  simPort: number,
  rounds: number,
  scale: number,
  log: (msg: string) => void,
): Promise<TelemetryBench> {
  const sink = await startSink();
  const started: ProxyAlone[] = [];
  try {
    const plain = await startProxyAlone(await sub('otel-off'), simPort);
    started.push(plain);
    const traced = await startProxyAlone(await sub('otel-on'), simPort, [], (config) => {
      (config.server as Record<string, unknown>).telemetry = {
        otlp: { endpoint: sink.url, protocol: 'http/protobuf' },
        metricIntervalMs: 5_000,
      };
    });
    started.push(traced);
    const pools = [
      new Pool(`http://127.0.0.1:${plain.port}`, { connections: 32 }),
      new Pool(`http://127.0.0.1:${traced.port}`, { connections: 32 }),
    ] as const;
    const count = Math.max(500, Math.round(4000 * scale));
    const rate = async (p: ProxyAlone, pool: Pool) => {
      const cpuBefore = await cpuMs(p.child.proc.pid ?? 0);
      const r = await runRequests(
        {
          dispatcher: pool,
          origin: `http://127.0.0.1:${p.port}`,
          path: '/v1/chat/completions',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_CLIENT_KEY}` },
        },
        chatBody(false),
        16,
        count,
        60_000,
      );
      if (r.errors) throw new Error(`telemetry row: ${r.errors} errors (${r.firstError ?? ''})`);
      const cpu = (await cpuMs(p.child.proc.pid ?? 0)) - cpuBefore;
      return { rps: (r.completed / r.elapsedMs) * 1000, cpuMs: cpu / r.completed };
    };
    // Warm-up (JIT, the SDK's first exports), not measured.
    await rate(plain, pools[0]);
    await rate(traced, pools[1]);
    const out: TelemetryBench['rounds'] = [];
    for (let i = 0; i < rounds; i++) {
      const first = i % 2 === 0;
      const a = first ? await rate(traced, pools[1]) : await rate(plain, pools[0]);
      const b = first ? await rate(plain, pools[0]) : await rate(traced, pools[1]);
      const [on, off] = first ? [a, b] : [b, a];
      const round = { withTelemetry: on.rps, without: off.rps, cpuMsWith: on.cpuMs, cpuMsWithout: off.cpuMs };
      out.push(round);
      log(
        `telemetry round ${i + 1}/${rounds}: OTLP on ${on.rps.toFixed(0)}/s ${on.cpuMs.toFixed(3)} CPU ms/request, off ${off.rps.toFixed(0)}/s ${off.cpuMs.toFixed(3)} CPU ms/request (throughput ${(on.rps / off.rps).toFixed(3)}, CPU ${(off.cpuMs / on.cpuMs).toFixed(3)})`,
      );
    }
    await Promise.all(pools.map((p) => p.close()));
    return { rounds: out, exports: sink.exports() };
  } finally {
    for (const p of started) await stopChild(p.child).catch(() => undefined);
    await sink.close();
  }
}

/** The row as Markdown for the benchmark report. */
export function telemetrySection(b: TelemetryBench | undefined): string {
  if (!b) return '_Not measured in this run._';
  const throughput = median(b.rounds.map((r) => r.withTelemetry / r.without));
  const cpu = median(b.rounds.map((r) => r.cpuMsWithout / r.cpuMsWith));
  const met = (x: number) => (x >= 0.95 ? 'met' : 'not met');
  const rows = [
    ['requests/s, OTLP/protobuf on (median of rounds)', median(b.rounds.map((r) => r.withTelemetry)).toFixed(0)],
    ['requests/s, telemetry off', median(b.rounds.map((r) => r.without)).toFixed(0)],
    [`throughput on ÷ off (each round's ratio, median; aim ≥ 0.95: ${met(throughput)})`, throughput.toFixed(3)],
    ['proxy CPU ms per request, on', median(b.rounds.map((r) => r.cpuMsWith)).toFixed(3)],
    ['proxy CPU ms per request, off', median(b.rounds.map((r) => r.cpuMsWithout)).toFixed(3)],
    [`CPU per request off ÷ on (median; aim ≥ 0.95: ${met(cpu)})`, cpu.toFixed(3)],
    ['OTLP export requests received by the sink', String(b.exports)],
  ];
  const table = ['| figure | value |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
  return `The proxy alone, non-streamed chat at c=16, ${b.rounds.length} interleaved rounds, every request traced (two spans) and measured (GenAI metrics), exported to a loopback sink.\n\n${table}`;
}
