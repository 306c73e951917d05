/**
 * CPU profiles of the proxy alone under load: a fresh proxy process started with `--cpu-prof`,
 * warmed up, loaded, stopped with SIGTERM (Node writes the profile as it exits), and the samples
 * taken while the load ran summarised.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Pool } from 'undici';
import { runRequests, runStreams, type Endpoint } from './load.js';
import { summariseProfile } from './profile.js';
import type { ProfileResult } from './report.js';
import { stopChild } from '../test/harness/child.js';
import { REPO_ROOT } from '../test/harness/paths.js';
import { BENCH_CLIENT_KEY, startProxyAlone } from './start-gateway.js';
import { chatBody } from './targets.js';

/** What load to profile under. */
export interface ProfileLoad {
  kind: 'chat' | 'stream';
  count: number;
  concurrency: number;
  /** Pacing of stream events (streams only). */
  intervalMs?: number;
}

async function drive(
  ep: Endpoint,
  load: ProfileLoad,
  count: number,
): Promise<{ completed: number; errors: number; elapsedMs: number; firstError?: string }> {
  if (load.kind === 'chat') return runRequests(ep, chatBody(false), load.concurrency, count, 120_000);
  const interval = load.intervalMs ?? 20;
  const scenario = JSON.stringify({ kind: 'slowChunks', intervalMs: interval, chunks: 20 });
  return runStreams(
    { ...ep, headers: { ...ep.headers, 'x-sim-scenario': scenario } },
    chatBody(true),
    load.concurrency,
    count,
    120_000,
    interval,
  );
}

/** Profiles a proxy alone under `load`. */
export async function profileProxy(dir: string, simPort: number, load: ProfileLoad): Promise<ProfileResult> {
  const profDir = path.join(dir, 'cpuprofile');
  const proxy = await startProxyAlone(dir, simPort, [
    '--cpu-prof',
    '--cpu-prof-dir',
    profDir,
    '--cpu-prof-interval',
    '250',
  ]);
  const origin = `http://127.0.0.1:${proxy.port}`;
  const pool = new Pool(origin, { connections: load.concurrency, headersTimeout: 60_000, bodyTimeout: 60_000 });
  const ep: Endpoint = {
    dispatcher: pool,
    origin,
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_CLIENT_KEY}` },
  };
  let measured: { rate: number; from: bigint; to: bigint };
  try {
    await drive(ep, load, Math.max(load.concurrency, Math.round(load.count / 10)));
    const from = process.hrtime.bigint() / 1000n;
    const r = await drive(ep, load, load.count);
    const to = process.hrtime.bigint() / 1000n;
    if (r.errors) throw new Error(`profiling load: ${r.errors} errors, first: ${r.firstError}`);
    measured = { rate: (r.completed / r.elapsedMs) * 1000, from, to };
  } finally {
    await pool.close();
    await stopChild(proxy.child, 20_000);
  }
  const files = (await fs.readdir(profDir).catch(() => [])).filter((f) => f.endsWith('.cpuprofile'));
  if (!files[0]) throw new Error(`the proxy wrote no .cpuprofile into ${profDir}:\n${await proxy.child.tail()}`);
  const json: unknown = JSON.parse(await fs.readFile(path.join(profDir, files[0]), 'utf8'));
  const window = { fromUs: Number(measured.from), toUs: Number(measured.to) };
  return { ...load, rate: measured.rate, summary: summariseProfile(json, REPO_ROOT, 20, window) };
}
