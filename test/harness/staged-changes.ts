/**
 * A `StagedChanges` state machine on a temp file with a hand-moved clock, a scripted certificate
 * probe and recorded commit / rollback calls, for the state-machine tests (no Caddy involved).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import pino from 'pino';
import { StagedChanges, type StagedChange } from '../../admin/apply/staged-change.js';
import type { CertProbeResult } from '../../admin/caddy/cert-probe.js';
import type { StagingNeeds } from '../../admin/apply/access-change.js';

/** The machine and what it did. */
export interface StagedHarness {
  changes: StagedChanges;
  file: string;
  clock: { now: number };
  /** What the probe answers per host (missing = a failed handshake). */
  certificates: Map<string, CertProbeResult>;
  commits: StagedChange[];
  rollbacks: StagedChange[];
  /** What the record said while each commit or rollback applied: the state, and whether the bridge was still rendered. */
  during: { state: string | undefined; bridge: boolean }[];
  /** Makes the next commit fail with this message. */
  failNextCommit: { message?: string };
  /** A second machine on the same file, as after an admin restart. */
  restart(): StagedHarness;
}

/** A domain change on the same port to `new.test`. */
export const DOMAIN_CHANGE: StagingNeeds = {
  certificates: ['new.test'],
  httpsPort: 8443,
  previousHttpsPort: 8443,
  httpPort: 8080,
  previousHttpPort: 8080,
};

/** A move of HTTPS from 8443 to 9443, no new name. */
export const PORT_CHANGE: StagingNeeds = { ...DOMAIN_CHANGE, certificates: [], httpsPort: 9443 };

/** One minute to wait in every test. */
export const TIMEOUT_MS = 60_000;

function machine(
  file: string,
  clock: { now: number },
  shared: Omit<StagedHarness, 'changes' | 'restart'>,
): StagedHarness {
  const changes = new StagedChanges({
    file,
    timeoutMs: TIMEOUT_MS,
    // Ticks are driven by the test; the timer never fires within one.
    probeIntervalMs: 3_600_000,
    probe: async (host) =>
      shared.certificates.get(host) ?? { ok: false, error: 'the TLS handshake failed (alert internal error)' },
    commit: async (c) => {
      shared.commits.push(c);
      seen();
      const message = shared.failNextCommit.message;
      if (message) {
        shared.failNextCommit.message = undefined;
        throw new Error(message);
      }
    },
    rollback: async (c) => {
      shared.rollbacks.push(c);
      seen();
    },
    log: pino({ level: 'silent' }),
    now: () => clock.now,
  });
  function seen(): void {
    shared.during.push({ state: changes.current()?.state, bridge: changes.pending() !== undefined });
  }
  const self: StagedHarness = { ...shared, changes, restart: () => machine(file, clock, shared) };
  return self;
}

/** A fresh machine on a temp file, removed when `t` ends. */
export async function stagedHarness(t: TestContext): Promise<StagedHarness> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gw-staged-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const clock = { now: Date.parse('2026-01-01T00:00:00Z') };
  const h = machine(path.join(dir, 'staged-change.json'), clock, {
    file: path.join(dir, 'staged-change.json'),
    clock,
    certificates: new Map(),
    commits: [],
    rollbacks: [],
    during: [],
    failNextCommit: {},
  });
  t.after(() => h.changes.stop());
  return h;
}
