/**
 * The apply transaction: render the Caddyfile → Caddy `/adapt` (dry run) → write config.json and
 * the Caddyfile atomically (keeping `.bak`) → proxy reload → Caddy `/load`. If a step fails, the
 * files are put back, Caddy gets the previous Caddyfile again (if `/load` was tried) and the proxy
 * reloads, and the error names the failed step with Caddy's (or the proxy's) own message.
 *
 * The proxy reloads before Caddy loads (docs/architecture.md, "Why the proxy reloads before Caddy loads"): the proxy accepts the old and the new health
 * key "until Caddy has loaded the new file, so a rotation never causes a 503". Caddy runs its first
 * active health check as soon as a config loads (docs/architecture.md, "Health checks carry the health key"), so the proxy must
 * already know the new key at that moment.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { ConfigIssue } from '../../common/config/errors.js';
import type { Config } from '../../common/config/schema.js';
import { renderCaddyfile, CaddyfileRenderError, type CaddyRenderEnv } from '../caddy/caddyfile-render.js';
import type { CaddyClient } from '../caddy/client.js';
import type { ProxyClient } from '../proxy-client.js';
import type { ConfigStore, FilesSnapshot } from '../config/store.js';
import { etagOf } from '../config/store.js';
import { secretValues } from '../config/secrets.js';
import { ApplyFailedError, WriteFailedError, withBody } from '../errors.js';
import { invalidConfig } from '../config/edit.js';
import { scrub } from '../config/redact.js';

/** Steps of an apply, in order, then the rollback steps. */
export type StepName =
  | 'validate'
  | 'render'
  | 'caddy_adapt'
  | 'write_files'
  | 'proxy_reload'
  | 'caddy_load'
  | 'restore_files'
  | 'caddy_restore'
  | 'proxy_restore';

/** One step as the API reports it. */
export interface StepRecord {
  name: StepName;
  ok: boolean;
  ms: number;
  detail?: string;
}

/** A successful apply. */
export interface Applied {
  etag: string;
  steps: StepRecord[];
  warnings: ConfigIssue[];
}

/** What the transaction needs. */
export interface ApplierOptions {
  store: ConfigStore;
  caddy: CaddyClient;
  proxy: ProxyClient;
  renderEnv: CaddyRenderEnv;
  log: FastifyBaseLogger;
  /** Tells the other replicas that config.json changed (a Redis notification; docs/shared-state.md, "Replicas"). */
  announce?: () => Promise<void>;
  /** Renders the Caddyfile (the staged bridge while a change is pending); default: the plain one. */
  render?: (config: Config) => string;
}

/** What to apply: the validated config and the new config.json text (null = keep the file as it is). */
export interface ApplyPlan {
  config: Config;
  configText: string | null;
  /** Steps already done by the caller (validation), reported first. */
  steps: StepRecord[];
  /** Make Caddy rebuild its servers even if the adapted JSON equals the running one. */
  forceLoad?: boolean;
}

class StepFailed extends Error {
  constructor(
    readonly step: StepName,
    message: string,
  ) {
    super(message);
  }
}

/** Runs applies one at a time and performs each as one transaction. */
export class Applier {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: ApplierOptions) {}

  /** Runs `fn` after every earlier call has finished: the mutex around read → check → apply. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Applies `plan`; must run inside `exclusive`. Throws the API error of the failed step. */
  async commit(plan: ApplyPlan): Promise<Applied> {
    const { store, caddy, proxy, log } = this.opts;
    const steps = [...plan.steps];
    const secrets = secretValues(plan.config);
    const step = async <T>(name: StepName, fn: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      try {
        const value = await fn();
        steps.push({ name, ok: true, ms: Math.round(performance.now() - started) });
        return value;
      } catch (err) {
        const message = scrub(err instanceof Error ? err.message : String(err), secrets);
        steps.push({ name, ok: false, ms: Math.round(performance.now() - started), detail: message });
        throw err instanceof CaddyfileRenderError ? err : new StepFailed(name, message);
      }
    };

    let caddyfile: string;
    try {
      caddyfile = await step('render', async () =>
        this.opts.render ? this.opts.render(plan.config) : renderCaddyfile(plan.config, this.opts.renderEnv),
      );
    } catch (err) {
      if (err instanceof CaddyfileRenderError)
        invalidConfig(err.issues, 'The Caddyfile cannot be rendered from this config; see issues.');
      throw err;
    }
    const adapted = await step('caddy_adapt', async () => {
      const result = await caddy.adapt(caddyfile);
      // Our template is `caddy fmt`-clean and the golden tests adapt every case without a warning
      // on the Caddy the image ships, so a warning is a rendering bug (docs/architecture.md,
      // "Adapt, then load JSON, refusing warnings").
      if (result.warnings.length) {
        throw new Error(
          `Caddy's adapter warned about the rendered Caddyfile (a rendering bug): ${result.warnings.map((w) => `${w.file ?? 'Caddyfile'}:${w.line ?? '?'}: ${w.message}`).join('; ')}`,
        );
      }
      return result.result;
    }).catch((err: unknown) => this.fail(err, steps, true));

    const snap = await store.snapshot();
    let reached: 'write' | 'proxy' | 'load' = 'write';
    let warnings: ConfigIssue[];
    try {
      await step('write_files', () => store.write(plan.configText, caddyfile));
      reached = 'proxy';
      warnings = await step('proxy_reload', async () => {
        const r = await proxy.reload();
        if (r.status === 'invalid')
          throw new Error(
            `the proxy rejected the config: ${r.issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; ')}`,
          );
        return r.warnings;
      });
      reached = 'load';
      await step('caddy_load', () => caddy.load(adapted, plan.forceLoad));
    } catch (err) {
      const rolledBack = await this.rollback(snap, plan.configText !== null, reached, steps, secrets);
      return this.fail(err, steps, rolledBack);
    }
    const etag = plan.configText !== null ? etagOf(plan.configText) : (await store.read()).etag;
    log.info({ steps: steps.map((s) => `${s.name}:${s.ms}ms`) }, 'config applied');
    // Replicas also poll the file's mtime, so a lost notification only delays them.
    if (plan.configText !== null)
      this.opts
        .announce?.()
        .catch((err: unknown) =>
          log.warn(
            { err: String(err) },
            'could not announce the config change to the replicas; they will see it by polling',
          ),
        );
    return { etag, steps, warnings };
  }

  /** Puts files, the proxy and Caddy back as they were; true when every rollback step worked. */
  private async rollback(
    snap: FilesSnapshot,
    wroteConfig: boolean,
    reached: 'write' | 'proxy' | 'load',
    steps: StepRecord[],
    secrets: string[],
  ): Promise<boolean> {
    const { store, caddy, proxy, log } = this.opts;
    let ok = true;
    // A step may return a note for the API (what it found), reported as the step's detail.
    const step = async (name: StepName, fn: () => Promise<string | void>) => {
      const started = performance.now();
      try {
        const note = await fn();
        steps.push({ name, ok: true, ms: Math.round(performance.now() - started), ...(note ? { detail: note } : {}) });
      } catch (err) {
        ok = false;
        const detail = scrub(err instanceof Error ? err.message : String(err), secrets);
        steps.push({ name, ok: false, ms: Math.round(performance.now() - started), detail });
        log.error(
          { step: name, detail },
          'rollback step failed: check the files in DATA_DIR and restart Caddy or the proxy',
        );
      }
    };
    await step('restore_files', async () => {
      const restored = await store.restore(snap, wroteConfig);
      return restored.length ? `restored ${restored.join(', ')}` : 'no file had been replaced: nothing to restore';
    });
    if (reached === 'load') {
      await step('caddy_restore', async () => {
        if (snap.caddyfile === null) throw new Error('there was no previous Caddyfile to re-load');
        const previous = await caddy.adapt(snap.caddyfile);
        // Not forced: a /load that Caddy refused left its running config untouched
        // (docs/architecture.md, "A failed load leaves nothing behind"), and an identical config
        // is a no-op; one that did take effect (an answer lost to a timeout) differs and is replaced.
        await caddy.load(previous.result);
      });
    }
    if (reached === 'proxy' || reached === 'load') {
      await step('proxy_restore', async () => {
        const r = await proxy.reload();
        if (r.status === 'invalid') throw new Error('the proxy rejected the restored config');
      });
    }
    return ok;
  }

  /** `rolledBack` means the previous config is in force again (or never stopped being: a failure before any write). */
  private fail(err: unknown, steps: StepRecord[], rolledBack: boolean): never {
    if (!(err instanceof StepFailed)) throw err;
    const body: Record<string, unknown> = { step: err.step, message: err.message, rolledBack, steps };
    this.opts.log.error({ step: err.step, detail: err.message, rolledBack }, 'apply failed');
    const ErrorClass = err.step === 'write_files' ? WriteFailedError : ApplyFailedError;
    throw withBody(new ErrorClass(err.step, err.message), body);
  }
}
