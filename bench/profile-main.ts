/**
 * `make profile`: where a proxy alone spends time and bytes, before anyone guesses. One fresh
 * proxy (the bench's config) under `--cpu-prof` and `--heapsnapshot-signal`: resident memory at
 * start and after a warm-up, a CPU profile of streams at c=200, and a heap snapshot taken while
 * 1,000 streams are open. Raw profiles go to `profiles/` (not committed); the summary is printed
 * and written to `profiles/summary.md`. PROFILE_NODE_ARGS adds Node flags to the proxy's (e.g. to
 * compare heap sizes); PROFILE_HEAP=0 skips the heap snapshot.
 */
import '../test/harness/loopback-guard.js';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Pool } from 'undici';
import { runRequests, runStreams, type Endpoint, type OpenGauge } from './load.js';
import { summariseProfile } from './profile.js';
import { summariseHeap } from './heap-summary.js';
import { profileSection } from './report.js';
import { startSimulator } from './start-others.js';
import { BENCH_CLIENT_KEY, startProxyAlone } from './start-gateway.js';
import { chatBody } from './targets.js';
import { cpuSample } from './processes.js';
import { stopChild } from '../test/harness/child.js';
import { REPO_ROOT } from '../test/harness/paths.js';
import { sleep, waitUntil } from '../test/harness/ports.js';
import { memoryOf } from '../test/harness/proc-memory.js';

const OUT = path.join(REPO_ROOT, 'profiles', new Date().toISOString().replace(/[:.]/g, '-'));
const MB = 2 ** 20;
const mb = (b: number) => (b / MB).toFixed(1);
const lines: string[] = [];
const say = (s: string) => {
  console.log(s);
  lines.push(s);
};

await fs.mkdir(path.join(OUT, 'heap'), { recursive: true });
const sim = await startSimulator(OUT);
const cpuProfile = process.env.PROFILE_CPU !== '0';
const heapSnapshots = process.env.PROFILE_HEAP !== '0';
const proxy = await startProxyAlone(path.join(OUT, 'proxy'), sim.port, [
  ...(cpuProfile ? ['--cpu-prof', '--cpu-prof-dir', path.join(OUT, 'cpu'), '--cpu-prof-interval', '250'] : []),
  '--heapsnapshot-signal=SIGUSR2',
  '--diagnostic-dir',
  path.join(OUT, 'heap'),
  ...(process.env.PROFILE_NODE_ARGS ?? '').split(' ').filter(Boolean),
]);
const pid = proxy.child.proc.pid ?? 0;
const origin = `http://127.0.0.1:${proxy.port}`;
const pool = new Pool(origin, { connections: 1100, headersTimeout: 60_000, bodyTimeout: 60_000 });
const ep: Endpoint = {
  dispatcher: pool,
  origin,
  path: '/v1/chat/completions',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_CLIENT_KEY}` },
};
/** Resident memory by kind of mapping (/proc/<pid>/smaps): the binary and libraries, malloc's heap, anonymous. */
async function rssByMapping(p: number): Promise<string> {
  const text = await fs.readFile(`/proc/${p}/smaps`, 'utf8').catch(() => '');
  const kinds = new Map<string, number>();
  let kind = '?';
  for (const line of text.split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const name = head[1] ?? '';
      kind = name === '' ? 'anonymous' : name.startsWith('[') ? name : name.includes('node') ? 'node binary' : 'files';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) kinds.set(kind, (kinds.get(kind) ?? 0) + Number(rss[1]) * 1024);
  }
  return [...kinds]
    .sort((a, b) => b[1] - a[1])
    .map(([k, b]) => `${k} ${mb(b)} MB`)
    .join(', ');
}

let snapshots = 0;
/** Asks the proxy for a heap snapshot and waits until it is written. */
async function snapshot(): Promise<void> {
  snapshots += 1;
  process.kill(pid, 'SIGUSR2');
  const dir = path.join(OUT, 'heap');
  await waitUntil(
    async () => (await fs.readdir(dir)).filter((f) => f.endsWith('.heapsnapshot')).length >= snapshots,
    60_000,
    'the heap snapshot',
  );
}
const paced = (intervalMs: number): Endpoint => ({
  ...ep,
  headers: { ...ep.headers, 'x-sim-scenario': JSON.stringify({ kind: 'slowChunks', intervalMs, chunks: 20 }) },
});
try {
  await sleep(1_000);
  say(`- RSS right after start: ${mb((await memoryOf(pid)).rss)} MB`);
  await runRequests(ep, chatBody(false), 16, 400, 30_000);
  await runStreams(paced(2), chatBody(true), 20, 60, 30_000, 2);
  await sleep(3_000);
  say(
    `- RSS after warm-up (400 requests, 60 streams), 3 s idle: ${mb((await memoryOf(pid)).rss)} MB; by mapping: ${await rssByMapping(pid)}`,
  );
  if (heapSnapshots) await snapshot();

  const c0 = await cpuSample(pid);
  const chatFrom = process.hrtime.bigint() / 1000n;
  const c = await runRequests(ep, chatBody(false), 16, 4000, 120_000);
  const chatTo = process.hrtime.bigint() / 1000n;
  const c1 = await cpuSample(pid);
  say(
    `- 4,000 non-stream requests at c=16: ${((c.completed / c.elapsedMs) * 1000).toFixed(0)} requests/s, ${c.errors} errors, ` +
      `proxy CPU ${(((c1.tree - c0.tree) * 10) / Math.max(1, c.completed)).toFixed(3)} ms per request (profiler on)`,
  );

  const t0 = await cpuSample(pid);
  const from = process.hrtime.bigint() / 1000n;
  const s = await runStreams(paced(20), chatBody(true), 200, 800, 120_000, 20);
  const to = process.hrtime.bigint() / 1000n;
  const t1 = await cpuSample(pid);
  const ticks = t1.tree - t0.tree;
  say(
    `- 800 streams at c=200: ${((s.completed / s.elapsedMs) * 1000).toFixed(1)} streams/s, ${s.errors} errors, ` +
      `proxy CPU ${((ticks * 10) / Math.max(1, s.completed)).toFixed(2)} ms per stream (profiler on)`,
  );
  say(`- RSS after the c=200 run: ${mb((await memoryOf(pid)).rss)} MB`);

  const gauge: OpenGauge = { open: 0 };
  let peak = 0;
  const open = runStreams(paced(400), chatBody(true), 1000, 1000, 120_000, 400, gauge);
  await waitUntil(async () => gauge.open >= 1000, 60_000, '1,000 open streams');
  peak = (await memoryOf(pid)).rss;
  say(`- RSS with 1,000 streams open (before the snapshot): ${mb(peak)} MB; by mapping: ${await rssByMapping(pid)}`);
  if (heapSnapshots) void snapshot();
  const o = await open;
  say(`- 1,000 open streams: ${o.errors} errors, peak open ${o.peakOpen}`);
  await sleep(2_000);
  say(`- RSS 2 s after they ended: ${mb((await memoryOf(pid)).rss)} MB`);

  const heapFiles = (await fs.readdir(path.join(OUT, 'heap'))).filter((f) => f.endsWith('.heapsnapshot')).sort();
  const heaps = await Promise.all(
    heapFiles.map(async (f) => summariseHeap(JSON.parse(await fs.readFile(path.join(OUT, 'heap', f), 'utf8')), 30)),
  );
  const [idleHeap, openHeap] = heaps;
  if (idleHeap && openHeap) {
    const idleBytes = new Map(idleHeap.rows.map((r) => [r.name, r]));
    say('');
    say(
      `Heap: ${mb(idleHeap.totalBytes)} MB idle after the warm-up, ${mb(openHeap.totalBytes)} MB with 1,000 streams open ` +
        `(${((openHeap.totalBytes - idleHeap.totalBytes) / 1000 / 1024).toFixed(1)} KB per open stream)`,
    );
    say('');
    say(
      '| kind | count idle | MB idle | count at 1,000 streams | MB at 1,000 streams |\n| --- | ---: | ---: | ---: | ---: |',
    );
    for (const r of openHeap.rows) {
      const before = idleBytes.get(r.name);
      say(
        `| ${r.name.replaceAll('|', '\\|')} | ${before?.count ?? '–'} | ${before ? mb(before.bytes) : '–'} | ${r.count} | ${mb(r.bytes)} |`,
      );
    }
  }
  await pool.close();
  await stopChild(proxy.child, 20_000);
  const cpuFile = cpuProfile
    ? (await fs.readdir(path.join(OUT, 'cpu'))).find((f) => f.endsWith('.cpuprofile'))
    : undefined;
  if (cpuFile) {
    const json: unknown = JSON.parse(await fs.readFile(path.join(OUT, 'cpu', cpuFile), 'utf8'));
    const summary = summariseProfile(json, REPO_ROOT, 25, { fromUs: Number(from), toUs: Number(to) });
    const chat = summariseProfile(json, REPO_ROOT, 25, { fromUs: Number(chatFrom), toUs: Number(chatTo) });
    say('');
    say(
      profileSection({
        kind: 'chat',
        count: 4000,
        concurrency: 16,
        rate: (c.completed / c.elapsedMs) * 1000,
        summary: chat,
      }),
    );
    say('');
    say(
      profileSection({
        kind: 'stream',
        count: 800,
        concurrency: 200,
        intervalMs: 20,
        rate: (s.completed / s.elapsedMs) * 1000,
        summary,
      }),
    );
  }
  await fs.writeFile(path.join(OUT, 'summary.md'), lines.join('\n') + '\n');
  console.log(`\nraw profiles and summary in ${path.relative(REPO_ROOT, OUT)}`);
} finally {
  await stopChild(proxy.child, 20_000).catch(() => undefined);
  await stopChild(sim.child).catch(() => undefined);
}
