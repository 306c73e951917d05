/**
 * The state machine of a staged access change (docs/caddy.md, "Staged changes"), persisted in
 * DATA_DIR/staged-change.json so that an admin restart neither forgets a pending change nor its
 * deadline:
 *
 *   pending ──every certificate issued (and no port move)──▶ committed
 *   pending ──operator confirms───────────────────────────▶ committed
 *   pending ──deadline passed, or operator cancels─────────▶ rolled_back
 *
 * While pending, Caddy runs the bridge (old and new sites side by side); committing applies the
 * target access fields, rolling back re-applies the config without them. Which apply runs is the
 * caller's (`commit` / `rollback`); this class decides when, and keeps the record.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { writeFileAtomic } from '../../common/atomic-write.js';
import type { CertProbe, CertProbeCode } from '../caddy/cert-probe.js';
import type { AccessFields, StagingNeeds } from './access-change.js';
import { NoStagedChangeError } from '../errors.js';

/** One certificate a pending change waits for. */
export interface CertificateWait {
  host: string;
  issued: boolean;
  /** Why the last probe did not find it. */
  lastError?: string;
  /** The same as a code, when it is one the UI words itself (cert-probe.ts). */
  lastErrorCode?: CertProbeCode;
  /** Caddy's own last ACME error for the name (its words, shown as they are). */
  lastAcmeError?: string;
}

/** The persisted record of the latest staged change. */
export interface StagedChange {
  id: string;
  state: 'pending' | 'committed' | 'rolled_back';
  startedAt: string;
  /** When a pending change rolls back by itself. */
  deadline: string;
  endedAt?: string;
  /** How it ended, in words. */
  outcome?: string;
  /** How it ended, as a code the UI translates. */
  reason?: EndReason;
  /** `server.caddy`'s access fields as the change sets them. */
  target: AccessFields;
  certificates: CertificateWait[];
  httpsPort: number;
  previousHttpsPort: number;
  httpPort: number;
  previousHttpPort: number;
  /** The address (Host header) the change was made from. */
  openedOn?: string;
}

/** Why a change ended. */
export type EndReason =
  'issued' | 'confirmed' | 'confirmed_from_new_address' | 'cancelled' | 'timed_out' | 'commit_failed' | 'not_applied';

/** Why a pending change ends; the caller's apply runs before the record says so. */
export type EndAction = (change: StagedChange) => Promise<void>;

/** What the state machine needs. */
export interface StagedChangesOptions {
  file: string;
  timeoutMs: number;
  probeIntervalMs: number;
  probe: CertProbe;
  commit: EndAction;
  rollback: EndAction;
  log: FastifyBaseLogger;
  now?: () => number;
  /** Told every end (for the audit log), after the record is saved. */
  onEnd?: (change: StagedChange) => void;
}

function isStagedChange(v: unknown): v is StagedChange {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.id === 'string' &&
    (r.state === 'pending' || r.state === 'committed' || r.state === 'rolled_back') &&
    typeof r.deadline === 'string' &&
    Array.isArray(r.certificates) &&
    typeof r.httpsPort === 'number' &&
    typeof r.target === 'object'
  );
}

/** Tracks the latest staged change: starts it, probes its certificates, commits or rolls it back. */
export class StagedChanges {
  private change: StagedChange | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** One end at a time: a probe tick, a confirmation and the deadline may race. */
  private ending: Promise<void> | undefined;
  /**
   * While a commit or rollback applies, Caddy must get the config without the bridge, yet the
   * record still says "pending" until that apply is done (a status read meanwhile is not ahead of Caddy).
   */
  private closing = false;
  private readonly now: () => number;

  constructor(private readonly opts: StagedChangesOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Reads the persisted record (at start); a pending change resumes with its deadline. */
  load(): void {
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.opts.file, 'utf8'));
      if (isStagedChange(parsed)) this.change = parsed;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        this.opts.log.error({ err: (err as Error).message }, 'staged-change.json is unreadable; ignoring it');
    }
    if (this.change?.state === 'pending') {
      this.opts.log.warn({ id: this.change.id, deadline: this.change.deadline }, 'resuming a staged change');
      this.schedule();
    }
  }

  /** The latest change, ended or not. */
  current(): StagedChange | undefined {
    return this.change;
  }

  /** The pending change, if any: while there is one, Caddy runs the bridge. */
  pending(): StagedChange | undefined {
    return this.change?.state === 'pending' && !this.closing ? this.change : undefined;
  }

  /** Records a new pending change (the caller then applies the bridge). */
  async begin(target: AccessFields, needs: StagingNeeds, openedOn: string | undefined): Promise<StagedChange> {
    const now = this.now();
    this.change = {
      id: randomUUID(),
      state: 'pending',
      startedAt: new Date(now).toISOString(),
      deadline: new Date(now + this.opts.timeoutMs).toISOString(),
      target,
      certificates: needs.certificates.map((host) => ({ host, issued: false })),
      httpsPort: needs.httpsPort,
      previousHttpsPort: needs.previousHttpsPort,
      httpPort: needs.httpPort,
      previousHttpPort: needs.previousHttpPort,
      ...(openedOn ? { openedOn } : {}),
    };
    await this.save();
    return this.change;
  }

  /** Forgets a change whose bridge could not be applied (the apply rolled itself back). */
  async abandon(): Promise<void> {
    if (this.change?.state !== 'pending') return;
    this.change = {
      ...this.change,
      state: 'rolled_back',
      endedAt: new Date(this.now()).toISOString(),
      outcome: 'the staged configuration could not be applied',
    };
    await this.save();
  }

  /** Starts probing and the deadline (after the bridge is applied). */
  schedule(): void {
    this.stop();
    this.timer = setInterval(() => void this.tick(), this.opts.probeIntervalMs);
    this.timer.unref();
    void this.tick();
  }

  /** Stops the timer (admin shutdown); the record stays on disk. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The operator accepts the change as it is (after reaching the new address, or after seeing a failure). */
  confirm(from: string | undefined): Promise<StagedChange> {
    const movedTo = this.change && from?.endsWith(`:${this.change.httpsPort}`);
    return movedTo
      ? this.end('committed', 'confirmed_from_new_address', `confirmed from the new address ${from}`)
      : this.end('committed', 'confirmed', 'confirmed by the operator');
  }

  /** The operator withdraws the change. */
  cancel(): Promise<StagedChange> {
    return this.end('rolled_back', 'cancelled', 'cancelled by the operator');
  }

  /** One round: deadline, then the certificates still missing; commits when nothing is left to wait for. */
  async tick(): Promise<void> {
    const change = this.pending();
    if (!change || this.ending) return;
    if (this.now() >= Date.parse(change.deadline)) {
      const missing = change.certificates.filter((c) => !c.issued).map((c) => c.host);
      const why = missing.length ? `no certificate for ${missing.join(', ')}` : 'not confirmed';
      await this.end('rolled_back', 'timed_out', `timed out (${why}): rolled back by itself`).catch(() => undefined);
      return;
    }
    let changed = false;
    for (const wait of change.certificates.filter((c) => !c.issued)) {
      const result = await this.opts.probe(wait.host, change.httpsPort);
      if (result.ok)
        Object.assign(wait, { issued: true, lastError: undefined, lastErrorCode: undefined, lastAcmeError: undefined });
      else if (wait.lastError !== result.error)
        Object.assign(wait, { lastError: result.error, lastErrorCode: result.code, lastAcmeError: result.acmeError });
      else continue;
      changed = true;
    }
    if (changed && this.pending() === change) await this.save();
    const portMoves = change.httpsPort !== change.previousHttpsPort || change.httpPort !== change.previousHttpPort;
    if (!portMoves && change.certificates.every((c) => c.issued) && this.pending() === change) {
      await this.end('committed', 'issued', 'every new certificate was issued').catch(() => undefined);
    }
  }

  private async end(state: 'committed' | 'rolled_back', reason: EndReason, outcome: string): Promise<StagedChange> {
    while (this.ending) await this.ending;
    const change = this.pending();
    if (!change) throw new NoStagedChangeError();
    const run = (async () => {
      this.closing = true;
      this.stop();
      try {
        await (state === 'committed' ? this.opts.commit : this.opts.rollback)(change);
        this.finish(change, state, reason, outcome);
      } catch (err) {
        if (state === 'rolled_back') {
          this.closing = false;
          this.schedule(); // still pending: the next tick tries again
          throw err;
        }
        // A commit that failed was rolled back by the transaction to the bridge: now without it.
        await this.opts.rollback(change).catch(() => undefined);
        this.finish(
          change,
          'rolled_back',
          'commit_failed',
          `committing failed (${(err as Error).message}): rolled back`,
        );
      } finally {
        this.closing = false;
      }
      await this.save();
      if (this.change) this.opts.onEnd?.(this.change);
      this.opts.log.warn(
        { id: change.id, state: this.change?.state, outcome: this.change?.outcome },
        'staged change ended',
      );
    })();
    this.ending = run;
    try {
      await run;
    } finally {
      this.ending = undefined;
    }
    return this.change ?? change;
  }

  private finish(change: StagedChange, state: 'committed' | 'rolled_back', reason: EndReason, outcome: string): void {
    this.stop();
    this.change = { ...change, state, reason, outcome, endedAt: new Date(this.now()).toISOString() };
  }

  private async save(): Promise<void> {
    if (this.change)
      await writeFileAtomic(this.opts.file, `${JSON.stringify(this.change, null, 2)}\n`, { mode: 0o600 });
  }
}
