/**
 * What one run of the suite produced, as the report (report.ts) and its findings (findings.ts)
 * read it; kept apart from both so neither has to import the other for its types.
 */
import type { LedgerLoss } from './faults-process.js';
import os from 'node:os';
import { describeMachine, type MachineInfo } from '../test/harness/machine.js';
import type { DataReport } from './data-check.js';
import type { FaultResult } from './fault-types.js';
import type { FuzzReport } from './fuzz.js';
import type { LoadReport } from './phase-load.js';
import type { SoakSettings } from './settings.js';

/** The machine a run comes from, and how busy it was. */
export interface Machine extends MachineInfo {
  /** 1-minute load average at the start and the end: other work on the machine shows here. */
  loadAvgStart: number;
  loadAvgEnd?: number;
}

/** Everything a run produced. */
export interface SoakResults {
  machine: Machine;
  settings: SoakSettings;
  seconds: number;
  load?: LoadReport;
  faults: FaultResult[];
  unpersistedAtKill?: number;
  /** Quota use and spend counted but not yet in governance.json at the first kill -9 (written every second). */
  ledgerLossAtKill?: LedgerLoss;
  fuzz?: FuzzReport;
  data?: DataReport;
  /** Caddy's active health-check interval in the rendered Caddyfile (e.g. `2s`). */
  healthInterval?: string;
  /** A phase that could not finish, and why. */
  aborted?: string;
}

/** Reads the machine's description and its load average now. */
export async function machineInfo(): Promise<Machine> {
  return { ...(await describeMachine()), loadAvgStart: os.loadavg()[0] ?? 0 };
}
