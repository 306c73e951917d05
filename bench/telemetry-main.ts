/**
 * The telemetry row alone, without the rest of `make bench`: starts the bench simulator, runs
 * bench/telemetry.ts, prints each round and the median ratio. Run after
 * `tsc -p bench/tsconfig.json` as `$NODE_BIN dist/bench/telemetry-main.js`
 * (BENCH_TELEMETRY_ROUNDS or BENCH_ROUNDS, default 12 as in `make bench`; BENCH_SCALE, default 1).
 */
import '../test/harness/loopback-guard.js';
import { promises as fs } from 'node:fs';
import { startSimulator } from './start-others.js';
import { stopChild } from '../test/harness/child.js';
import { TELEMETRY_ROUNDS, benchTelemetry } from './telemetry.js';
import { telemetrySection } from './telemetry-section.js';
import { benchFolders } from './folders.js';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const { dir, sub } = await benchFolders('gw-bench-otel-');
const sim = await startSimulator(await sub('sim'));
try {
  const result = await benchTelemetry(sub, sim.port, TELEMETRY_ROUNDS, SCALE, (m) => console.log(m));
  console.log(telemetrySection(result));
} finally {
  await stopChild(sim.child);
  await fs.rm(dir, { recursive: true, force: true });
}
