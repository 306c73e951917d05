/**
 * Staged access changes wired to the apply transaction (docs/caddy.md, "Staged changes"). A save
 * that moves the domains, the ACME settings or the public ports is applied as a bridge: config.json
 * keeps the committed access fields, DATA_DIR/staged-change.json holds the new ones, and the
 * Caddyfile serves both. Every apply meanwhile (a key created, a reconcile) renders the bridge too.
 * Committing writes the new fields into config.json; rolling back re-applies config.json as it is.
 */
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../common/config/schema.js';
import { buildBridgeModel } from '../caddy/bridge-model.js';
import { renderCaddyfile, renderCaddyfileModel, type CaddyRenderEnv } from '../caddy/caddyfile-render.js';
import { tlsCertProbe, type CertProbe } from '../caddy/cert-probe.js';
import { lastAcmeError, tailJsonLines } from '../caddy/log.js';
import { scrub } from '../config/redact.js';
import { secretValues } from '../config/secrets.js';
import type { ConfigStore } from '../config/store.js';
import { configFileText, prepareConfig } from '../config/edit.js';
import { readStored, reapplyStored } from '../config/saves.js';
import { accessFieldsOf, withAccessFields, type StagingNeeds } from './access-change.js';
import { StagedChanges, type StagedChange } from './staged-change.js';
import type { Applied, Applier, StepRecord } from './transaction.js';

/** How long a staged change may wait, and how often its certificates are probed. */
export interface StagingTiming {
  timeoutMs: number;
  probeIntervalMs: number;
}

/** Five minutes: long enough for an ACME order with retries, short enough to wait out a lockout. */
const DEFAULT_TIMEOUT_S = 300;
const DEFAULT_PROBE_MS = 2_000;

/** STAGED_CHANGE_TIMEOUT_S and STAGED_CHANGE_PROBE_MS, else the defaults. */
export function stagingTimingFromEnv(env: NodeJS.ProcessEnv = process.env): StagingTiming {
  const positive = (v: string | undefined, fallback: number) => {
    const n = Number(v);
    return v !== undefined && v !== '' && Number.isFinite(n) && n > 0 ? n : fallback;
  };
  return {
    timeoutMs: positive(env.STAGED_CHANGE_TIMEOUT_S, DEFAULT_TIMEOUT_S) * 1000,
    probeIntervalMs: positive(env.STAGED_CHANGE_PROBE_MS, DEFAULT_PROBE_MS),
  };
}

/** A save applied as a bridge: the transaction's steps and the pending change. */
export interface StagedSave extends Applied {
  staged: StagedChange;
}

/** What staging needs. */
export interface StagingOptions {
  store: ConfigStore;
  renderEnv: CaddyRenderEnv;
  log: FastifyBaseLogger;
  timing: StagingTiming;
  /** Defaults to a TLS handshake against Caddy on the bound address. */
  probe?: CertProbe;
  /** Told how each staged change ended (the audit log records the ones no request caused). */
  onEnd?: (change: StagedChange) => void;
}

/** Longest part of Caddy's ACME error shown with a missing certificate. */
const ACME_ERROR_CHARS = 400;

/**
 * A probe whose failure also says what Caddy's last ACME error for the name was (from caddy.log,
 * secrets cut out), so the operator sees why the certificate does not come.
 */
function withAcmeError(probe: CertProbe, opts: StagingOptions & { stagedTarget: () => unknown }): CertProbe {
  return async (host, port) => {
    const result = await probe(host, port);
    if (result.ok) return result;
    const line = lastAcmeError(await tailJsonLines(opts.renderEnv.logFile).catch(() => []), host);
    const said = typeof line?.error === 'string' ? line.error : undefined;
    if (!said) return result;
    // The staged DNS-01 credentials are not in config.json yet: cut those out too.
    const staged = secretValues({ server: { caddy: opts.stagedTarget() } });
    const secrets = await opts.store.read().then(
      (s) => [...staged, ...(s.raw === undefined ? [] : secretValues(s.raw))],
      () => staged,
    );
    const acmeError = scrub(said, secrets).slice(0, ACME_ERROR_CHARS);
    return { ...result, error: `${result.error}; the last ACME error: ${acmeError}`, acmeError };
  };
}

/** The staged-change machinery of one admin service. */
export class Staging {
  readonly changes: StagedChanges;
  private applier: Applier | undefined;

  /** The environment both Caddyfiles are rendered with. */
  readonly renderEnv: CaddyRenderEnv;

  constructor(private readonly opts: StagingOptions) {
    this.renderEnv = opts.renderEnv;
    this.changes = new StagedChanges({
      file: path.join(path.dirname(opts.store.configFile), 'staged-change.json'),
      timeoutMs: opts.timing.timeoutMs,
      probeIntervalMs: opts.timing.probeIntervalMs,
      probe: withAcmeError(opts.probe ?? tlsCertProbe(opts.renderEnv.bindAddress ?? '127.0.0.1'), {
        ...opts,
        stagedTarget: () => this.changes.pending()?.target,
      }),
      log: opts.log,
      ...(opts.onEnd ? { onEnd: opts.onEnd } : {}),
      commit: (change) => this.commitTarget(change),
      rollback: async () => {
        await reapplyStored(this.requireApplier(), opts.store);
      },
    });
  }

  /** Connects the applier (built with `render` below) and resumes a persisted pending change. */
  attach(applier: Applier): void {
    this.applier = applier;
    this.changes.load();
  }

  /** The Caddyfile for `config`: the bridge while a change is pending, else the plain one. */
  render(config: Config): string {
    const pending = this.changes.pending();
    if (!pending) return renderCaddyfile(config, this.opts.renderEnv);
    const target = withAccessFields(config, pending.target);
    return renderCaddyfileModel(buildBridgeModel(config, target, this.opts.renderEnv));
  }

  /**
   * Applies `next` as a bridge; must run inside the applier's mutex. config.json gets `next` with
   * the stored access fields, the Caddyfile both sites.
   */
  async stage(
    storedRaw: unknown,
    before: Config,
    next: { raw: unknown; config: Config },
    needs: StagingNeeds,
    steps: StepRecord[],
    openedOn: string | undefined,
  ): Promise<StagedSave> {
    const committedRaw = withAccessFields(next.raw, accessFieldsOf(storedRaw));
    const committed = withAccessFields(next.config, accessFieldsOf(before));
    const change = await this.changes.begin(accessFieldsOf(next.config), needs, openedOn);
    let applied: Applied;
    try {
      applied = await this.requireApplier().commit({
        config: committed,
        configText: configFileText(committedRaw),
        steps,
      });
    } catch (err) {
      await this.changes.abandon();
      throw err;
    }
    this.changes.schedule();
    return { ...applied, staged: change };
  }

  /** Writes the change's access fields into config.json and applies it without the bridge. */
  private commitTarget(change: StagedChange): Promise<void> {
    const applier = this.requireApplier();
    return applier.exclusive(async () => {
      const stored = await readStored(this.opts.store);
      const next = await prepareConfig(withAccessFields(stored.raw, change.target));
      await applier.commit({ config: next.config, configText: configFileText(next.raw), steps: [] });
    });
  }

  private requireApplier(): Applier {
    if (!this.applier) throw new Error('staging is used before an applier is attached');
    return this.applier;
  }
}
