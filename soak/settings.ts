/**
 * The suite's knobs, all from the environment with defaults sized for a 2-core machine and a
 * total run of about 7 minutes. Every loop in the suite is bounded by these counts and times.
 */
import path from 'node:path';

/** What one run of the suite does. */
export interface SoakSettings {
  /** How long the load is held (phase 1). */
  loadSeconds: number;
  /** Non-stream clients through Caddy during phase 1. */
  nonStreamClients: number;
  /** Streaming clients through Caddy during phase 1. */
  streamClients: number;
  /** Streaming clients straight to the proxy (127.0.0.1:PROXY_PORT) during phase 1, side by side. */
  directStreamClients: number;
  /** Events per stream and the simulator's gap between them. */
  streamChunks: number;
  streamIntervalMs: number;
  /** RSS sampling period. */
  rssIntervalMs: number;
  /** Background load while faults are injected (non-stream and stream clients, through Caddy). */
  faultClients: number;
  /** How long the managed-identity endpoint stays down. */
  credentialOutageSeconds: number;
  /** Fuzzer runs in total, and the seed that makes them reproducible. */
  fuzzRuns: number;
  fuzzSeed: number;
  /** Where the report goes (relative to the repository root unless absolute). */
  reportFile: string;
  /** Keep the temp dir (logs, DATA_DIR) after the run. */
  keep: boolean;
  /** Hard ceiling for the whole run; the suite aborts (and cleans up) past it. */
  maxRunSeconds: number;
  /** Phases left out (SOAK_SKIP=load,faults,fuzz,data), for quicker runs while working on one. */
  skip: Set<'load' | 'faults' | 'fuzz' | 'data'>;
}

const PHASES = ['load', 'faults', 'fuzz', 'data'] as const;

function int(name: string, def: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  return n;
}

/** Reads the settings; `root` is the repository root (for the default report path). */
export function readSettings(root: string): SoakSettings {
  const report = process.env.SOAK_REPORT || 'docs/reports/reliability.md';
  return {
    loadSeconds: int('SOAK_SECONDS', 120, 5, 3600),
    nonStreamClients: int('SOAK_NONSTREAM', 32, 1, 512),
    streamClients: int('SOAK_STREAMS', 32, 1, 512),
    directStreamClients: int('SOAK_DIRECT_STREAMS', 32, 0, 512),
    streamChunks: int('SOAK_STREAM_CHUNKS', 20, 1, 1000),
    streamIntervalMs: int('SOAK_STREAM_INTERVAL_MS', 25, 0, 1000),
    rssIntervalMs: int('SOAK_RSS_INTERVAL_MS', 3000, 250, 60_000),
    faultClients: int('SOAK_FAULT_CLIENTS', 8, 1, 128),
    credentialOutageSeconds: int('SOAK_CREDENTIAL_OUTAGE_SECONDS', 30, 5, 600),
    fuzzRuns: int('SOAK_FUZZ_RUNS', 2000, 0, 100_000),
    fuzzSeed: int('SOAK_SEED', Math.floor(Math.random() * 2 ** 31), 0, 2 ** 31 - 1),
    reportFile: path.resolve(root, report),
    keep: process.env.SOAK_KEEP === '1',
    maxRunSeconds: int('SOAK_MAX_SECONDS', 900, 60, 7200),
    skip: new Set(
      (process.env.SOAK_SKIP ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== '')
        .map((p) => {
          const phase = PHASES.find((x) => x === p);
          if (!phase) throw new Error(`SOAK_SKIP: unknown phase ${JSON.stringify(p)} (use ${PHASES.join(', ')})`);
          return phase;
        }),
    ),
  };
}
