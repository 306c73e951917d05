/**
 * What telemetry costs the proxy in instructions, thread by thread (docs/reports/telemetry-cost.md,
 * "The twelfth pass"): a proxy alone under valgrind's callgrind serves non-streamed chat at c=16
 * from the bench simulator, once with telemetry off and once with OTLP on (every request traced,
 * to a loopback sink that drains each export). After a warm-up long enough for the exporter's
 * code to reach V8's optimising tier, the counters are zeroed, a measured run is served, and each
 * thread's instructions are read from the dump: the request thread, the exporter's thread, and
 * the rest (V8's helper threads, libuv's pool), with the spans the sink received. Other load on
 * the machine does not move an instruction count as it moves times (how far V8 has optimised the
 * code still does, and the helper threads' share follows timing), so this tells what telemetry
 * adds to a thread's work from what the machine's noise does to its time.
 * Run after `tsc -p bench/tsconfig.json` as `$NODE_BIN dist/bench/telemetry-instructions-main.js`
 * (BENCH_WARMUP requests, default 12,000; BENCH_REQUESTS measured, default 4,000; about ten
 * minutes). Needs valgrind (Debian's package).
 */
import '../test/harness/loopback-guard.js';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'undici';
import { runRequests } from './load.js';
import { startSimulator } from './start-others.js';
import { proxyChat, startProxyAlone } from './start-gateway.js';
import { chatBody } from './targets.js';
import { startSink } from './telemetry.js';
import { stopChild } from '../test/harness/child.js';

const WARMUP = Number(process.env.BENCH_WARMUP ?? 12_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4_000);

/** Instructions per measured request, by group of threads. */
interface Counts {
  request: number;
  exporter: number;
  others: number;
}

try {
  execFileSync('valgrind', ['--version']);
} catch {
  console.error('valgrind is needed (apt-get install valgrind)');
  process.exit(2);
}

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gateway-instructions-'));
const sim = await startSimulator(dir);
// The collector: answers each export, as one on another machine would, and counts the spans of
// trace exports without decoding them (telemetry.ts), so a count taken while the exporter fell
// behind shows.
const sink = await startSink(http.createServer(), ['application/x-protobuf', '']);

// A thread's dump: its total, and whether it ran a worker thread's event loop (the exporter's).
async function readDump(file: string): Promise<{ total: number; worker: boolean }> {
  const text = await fs.readFile(file, 'utf8');
  const total = /^(?:summary|totals): (\d+)/m.exec(text)?.[1];
  if (total === undefined) throw new Error(`${file} holds no instruction total`);
  return { total: Number(total), worker: text.includes('node::worker::Worker::Run') };
}

async function measure(on: boolean): Promise<Counts> {
  const name = on ? 'on' : 'off';
  const out = path.join(dir, `callgrind-${name}`);
  const launcher = ['valgrind', '--tool=callgrind', '--separate-threads=yes', `--callgrind-out-file=${out}.%p`];
  const proxy = await startProxyAlone(
    path.join(dir, name),
    sim.port,
    [],
    (config) => {
      if (on)
        (config.server as Record<string, unknown>).telemetry = {
          otlp: { endpoint: sink.url, protocol: 'http/protobuf' },
          metricIntervalMs: 5_000,
        };
    },
    {},
    launcher,
  );
  const pid = String(proxy.child.proc.pid);
  const pool = new Pool(`http://127.0.0.1:${proxy.port}`, { connections: 32 });
  const endpoint = proxyChat(proxy.port, pool);
  const serve = async (requests: number) => {
    const r = await runRequests(endpoint, chatBody(false), 16, requests, 3_600_000);
    if (r.errors) throw new Error(`${r.errors} errors (${r.firstError ?? ''})`);
  };
  try {
    await serve(WARMUP);
    // Its stdout says what it sent; an error (stderr included) throws.
    execFileSync('callgrind_control', ['--zero', pid], { stdio: 'pipe' });
    await serve(REQUESTS);
    execFileSync('callgrind_control', ['--dump=measured', pid], { stdio: 'pipe' });
  } finally {
    await pool.close();
    await stopChild(proxy.child, 60_000);
  }
  // The first dump's files, one per thread: `<out>.<pid>.1-<thread>`, the request thread first.
  const prefix = `${path.basename(out)}.${pid}.1-`;
  const files = (await fs.readdir(dir)).filter((f) => f.startsWith(prefix)).sort();
  if (files.length === 0) throw new Error(`no callgrind dump for ${name} in ${dir}`);
  const counts: Counts = { request: 0, exporter: 0, others: 0 };
  let exporterSeen = false;
  for (const file of files) {
    const { total, worker } = await readDump(path.join(dir, file));
    const group = file.endsWith('-01') ? 'request' : worker ? 'exporter' : 'others';
    exporterSeen ||= group === 'exporter';
    counts[group] += total / REQUESTS;
  }
  if (on && !exporterSeen) throw new Error(`no exporter's thread in the dump of ${name}`);
  return counts;
}

try {
  const off = await measure(false);
  const on = await measure(true);
  // The proxy sends what it holds when it stops: every span made (two per request) should be in.
  const spansMade = 2 * (WARMUP + REQUESTS);
  const row = (label: string, a: number, b: number) =>
    `| ${label} | ${Math.round(a).toLocaleString('en')} | ${Math.round(b).toLocaleString('en')} | ${Math.round(b - a).toLocaleString('en')} | ${(((b - a) / off.request) * 100).toFixed(1)} % |`;
  console.log(`instructions per request, ${REQUESTS} measured after ${WARMUP} to warm up`);
  console.log('| thread | off | OTLP on | added | added ÷ the request thread off |');
  console.log('|---|---|---|---|---|');
  console.log(row('request thread', off.request, on.request));
  console.log(row("exporter's thread", off.exporter, on.exporter));
  // V8's concurrent compiling and marking follow timing, so this row moves from run to run.
  console.log(row('the others (V8 helpers, libuv pool; varies with timing)', off.others, on.others));
  // The proxy that was off exported nothing, so every span the sink counted is the on proxy's.
  console.log(`spans received ÷ made while on: ${sink.spans()} of ${spansMade}`);
  const unreadable = sink.unreadable();
  if (unreadable) console.log(`a trace export the sink could not read: ${unreadable}`);
} finally {
  await sink.close();
  await stopChild(sim.child);
  await fs.rm(dir, { recursive: true, force: true });
}
