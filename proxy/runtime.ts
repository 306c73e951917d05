/**
 * The proxy's long-lived state: the current config snapshot, the upstream connection pool,
 * credentials, and the state shared with other replicas (usage, limits, affinity: embedded or in
 * Redis, proxy/shared-state/). `reload()` is the only way the snapshot changes: it reads the
 * file, builds everything the new config needs (snapshot, credentials, pool) before touching
 * anything, and then swaps it all at once; on any problem the old state keeps serving, whole.
 * A config.json that cannot be used at start gives way to the last good one (config.last-good.json,
 * which the proxy keeps after every config it applied), loudly, so one bad file plus a restart
 * does not stop the stack.
 */
import path from 'node:path';
import type { Agent } from 'undici';
import type { FastifyBaseLogger } from 'fastify';
import { loadConfigFile } from '../common/config/load.js';
import { ConfigInvalidError, type ConfigIssue } from '../common/config/errors.js';
import type { Config } from '../common/config/schema.js';
import { keepLastGood, lastGoodFile, loadLastGood } from '../common/config/last-good.js';
import type { LoadedConfig } from '../common/config/load.js';
import { buildSnapshot, type ConfigSnapshot } from './snapshot.js';
import {
  CredentialRegistry,
  CredentialSetupError,
  type PreparedCredentials,
} from '../common/credentials/upstream-credentials.js';
import { createUpstreamAgent } from './upstream/call.js';
import type { UsageQuery, UsageStats } from './usage/stats.js';
import { RequestLog } from './observe/request-log.js';
import { TargetStates, type TargetPolicy } from './targets/target-state.js';
import type { GovernanceState } from './governance/state.js';
import { redisSettings } from '../common/redis/settings.js';
import type { SharedRedisOptions } from '../common/redis/shared-redis.js';
import { openEmbeddedState } from './shared-state/embedded-state.js';
import type { AffinityStore, SharedState, UsageView } from './shared-state/shared-state.js';
import { PrometheusMetrics } from './observe/prometheus.js';

/** During an apply Caddy may still send the previous health key for a while (docs/architecture.md, "Why the proxy reloads before Caddy loads"). */
export const HEALTH_KEY_GRACE_MS = 120_000;

/** What a reload did. */
export type ReloadResult =
  { status: 'unchanged' | 'reloaded'; warnings: ConfigIssue[] } | { status: 'invalid'; issues: ConfigIssue[] };

export interface RuntimeOptions {
  configFile: string;
  usageFile: string;
  /** Where response ids and their targets are kept (Responses API affinity). */
  affinityFile?: string;
  /** Where file and batch ids, their upstreams and owners are kept. */
  storedObjectsFile?: string;
  /** Where quota use, spend and last use of keys are kept (absent: memory only). */
  governanceFile?: string;
  log: FastifyBaseLogger;
  /** Persist usage periodically (off in unit tests that inspect the file themselves). */
  autoPersist?: boolean;
  /** Where REDIS_URL and the other REDIS_* variables are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** For tests: the Redis CA and the Entra credential (a process uses NODE_EXTRA_CA_CERTS and DefaultAzureCredential). */
  redis?: Pick<SharedRedisOptions, 'credential' | 'tlsCa'>;
}

function targetPolicy(config: Readonly<Config>): TargetPolicy {
  const u = config.server.upstream;
  return {
    failureThreshold: u.circuitBreaker.failureThreshold,
    openMs: u.circuitBreaker.openMs,
    minRemainingRequests: u.rateLimitHeadroom.requests,
    minRemainingTokens: u.rateLimitHeadroom.tokens,
  };
}

/** Where the config in use came from: config.json, or the last good copy because config.json could not be used. */
export type ConfigSource = { kind: 'config' } | { kind: 'last-good'; file: string; issues: ConfigIssue[] };

/** Everything a config needs, built but not yet in use. */
interface Staged {
  loaded: LoadedConfig;
  snapshot: ConfigSnapshot;
  credentials: PreparedCredentials;
  /** A new pool when the pool settings changed. */
  agent?: { agent: Agent; key: string };
}

/** The issues of a config that validated but could not be applied. */
function applyIssues(err: unknown): ConfigIssue[] {
  if (err instanceof CredentialSetupError) return [{ path: err.path, message: `cannot be applied: ${err.message}` }];
  return [{ path: '', message: `cannot be applied: ${err instanceof Error ? err.message : String(err)}` }];
}

function agentSettingsKey(config: Readonly<Config>): string {
  const { pool, connectTimeoutMs } = config.server.upstream;
  return JSON.stringify({ pool, connectTimeoutMs });
}

/** The proxy's state across requests and reloads. */
export class ProxyRuntime {
  readonly credentials: CredentialRegistry;
  readonly noStreamOptions = new Set<string>();
  readonly targets: TargetStates;
  readonly usage: UsageStats;
  readonly governance: GovernanceState;
  readonly affinity: AffinityStore;
  /** Every client request of this process, for the admin's request search (bounded ring). */
  readonly requests = new RequestLog();
  /** Files and batches: which upstream and key made each id (no expiry, only a size bound). */
  readonly storedObjects: AffinityStore;
  /** The process's one Prometheus registry (/metrics on the internal listener). */
  readonly prometheus: PrometheusMetrics;
  private current: ConfigSnapshot;
  private agent: Agent;
  private agentKey: string;
  private graceTimer: NodeJS.Timeout | undefined;
  private reloading: Promise<ReloadResult> | undefined;
  private queued: Promise<ReloadResult> | undefined;
  /** Previous health keys still accepted, with when they stop being accepted. */
  private retiredHealthKeys = new Map<string, number>();

  private readonly listeners: Array<(snap: ConfigSnapshot) => void> = [];
  private configSource: ConfigSource;
  private keeping: Promise<void> = Promise.resolve();

  private constructor(
    private readonly opts: RuntimeOptions,
    staged: Staged,
    credentials: CredentialRegistry,
    source: ConfigSource,
    readonly shared: SharedState,
  ) {
    this.usage = shared.usage;
    this.governance = shared.governance;
    this.affinity = shared.affinity;
    this.storedObjects = shared.storedObjects;
    this.current = staged.snapshot;
    this.prometheus = new PrometheusMetrics(this.usage, { processMetrics: true });
    this.targets = new TargetStates(targetPolicy(staged.snapshot.config), opts.log);
    this.credentials = credentials;
    this.credentials.install(staged.credentials);
    this.agent = staged.agent?.agent ?? createUpstreamAgent(staged.snapshot.config.server.upstream);
    this.agentKey = staged.agent?.key ?? agentSettingsKey(staged.snapshot.config);
    this.configSource = source;
  }

  /**
   * Loads the config and restores usage. A config.json that is invalid or cannot be applied gives
   * way to the last good config; with none usable either, throws ConfigInvalidError listing
   * config.json's problems.
   */
  static async start(opts: RuntimeOptions): Promise<ProxyRuntime> {
    const credentials = new CredentialRegistry(opts.log);
    const stage = (loaded: LoadedConfig): Staged => ({
      loaded,
      snapshot: buildSnapshot(loaded.config, loaded.text),
      credentials: credentials.prepare(loaded.config),
    });
    let staged: Staged;
    let source: ConfigSource = { kind: 'config' };
    try {
      staged = stage(await loadConfigFile(opts.configFile));
    } catch (err) {
      const issues = err instanceof ConfigInvalidError ? err.issues : applyIssues(err);
      const lastGood = await loadLastGood(opts.configFile);
      let fallback: Staged | undefined;
      try {
        fallback = lastGood && stage(lastGood);
      } catch {
        fallback = undefined;
      }
      if (!fallback) throw err instanceof ConfigInvalidError ? err : new ConfigInvalidError(issues);
      staged = fallback;
      source = { kind: 'last-good', file: lastGoodFile(opts.configFile), issues };
      opts.log.error(
        { issues, file: opts.configFile, servingFrom: source.file },
        'config.json cannot be used: SERVING THE LAST GOOD CONFIG until it is fixed (the admin UI still works; fix or re-save the config)',
      );
    }
    for (const w of staged.loaded.warnings) opts.log.warn({ path: w.path }, w.message);
    const redis = redisSettings(staged.loaded.config.server.sharedState, opts.env);
    // The Redis client is loaded only when it is used: a single container does not pay for it at start.
    const shared = redis
      ? await (await import('./shared-state/redis-state.js')).openRedisState(redis, opts.log, opts.redis)
      : await openEmbeddedState(opts, opts.log);
    const runtime = new ProxyRuntime(opts, staged, credentials, source, shared);
    if (source.kind === 'config') runtime.rememberGood(staged.loaded.text);
    await shared.attach(runtime.targets, (why) => {
      runtime.reload().then(
        (r) => r.status !== 'unchanged' && opts.log.info({ why, status: r.status }, 'reload'),
        (err: unknown) => opts.log.error({ err, why }, 'reload failed'),
      );
    });
    runtime.credentials.warmUp();
    return runtime;
  }

  /** Usage of every replica together (this one's alone when state is embedded). */
  usageView(q?: UsageQuery): Promise<UsageView> {
    return this.shared.usageView(q);
  }

  /** Where the config in use came from. */
  source(): ConfigSource {
    return this.configSource;
  }

  /** Calls `fn` with every snapshot installed from now on (server settings that follow the config). */
  onSnapshot(fn: (snap: ConfigSnapshot) => void): void {
    this.listeners.push(fn);
  }

  /** The snapshot requests use now. */
  snapshot(): ConfigSnapshot {
    return this.current;
  }

  /** The upstream connection pool. */
  dispatcher(): Agent {
    return this.agent;
  }

  /**
   * Re-reads the config file. A call made while a reload runs gets the one follow-up reload
   * queued after it (the file may have changed after the running one read it); further calls
   * share that follow-up.
   */
  reload(): Promise<ReloadResult> {
    if (this.queued) return this.queued;
    const waitFor = this.reloading;
    const run: Promise<ReloadResult> = (waitFor ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => {
        // Running now: a later call must queue behind this one, not join it.
        if (this.queued === run) this.queued = undefined;
        return this.reloadOnce();
      });
    if (waitFor) this.queued = run;
    this.reloading = run;
    run
      .finally(() => {
        if (this.reloading === run) this.reloading = undefined;
      })
      .catch(() => undefined);
    return run;
  }

  private async reloadOnce(): Promise<ReloadResult> {
    let loaded;
    try {
      loaded = await loadConfigFile(this.opts.configFile);
    } catch (err) {
      if (!(err instanceof ConfigInvalidError)) throw err;
      this.opts.log.error({ issues: err.issues }, 'config reload rejected; still serving the previous config');
      return { status: 'invalid', issues: err.issues };
    }
    if (loaded.text === this.current.text) {
      // config.json now says what the last good copy said: it is usable again.
      if (this.configSource.kind !== 'config') this.configSource = { kind: 'config' };
      return { status: 'unchanged', warnings: loaded.warnings };
    }
    if (JSON.stringify(loaded.config.server.sharedState) !== JSON.stringify(this.current.config.server.sharedState)) {
      this.opts.log.warn({}, 'server.sharedState changed: it takes effect when the proxy restarts');
    }
    const previousHealthKey = this.current.config.server.healthKey;
    const retiring =
      previousHealthKey && previousHealthKey !== loaded.config.server.healthKey ? previousHealthKey : undefined;
    let staged: Staged;
    try {
      staged = this.stage(loaded, retiring);
    } catch (err) {
      // Nothing was changed: the previous config serves on, whole, and the same file is tried
      // again (and refused again) on the next reload instead of being taken for "unchanged".
      const issues = applyIssues(err);
      this.opts.log.error(
        { issues },
        'config reload rejected: it validates but cannot be applied; still serving the previous config',
      );
      return { status: 'invalid', issues };
    }
    this.commit(staged, retiring);
    for (const w of loaded.warnings) this.opts.log.warn({ path: w.path }, w.message);
    this.opts.log.info(
      {
        models: loaded.config.models.length,
        upstreams: loaded.config.upstreams.length,
        keys: loaded.config.apiKeys.length,
      },
      'config reloaded',
    );
    return { status: 'reloaded', warnings: loaded.warnings };
  }

  /** Builds everything `loaded` needs; throws without having changed anything. */
  private stage(loaded: LoadedConfig, retiring: string | undefined): Staged {
    const now = Date.now();
    const extra = [...this.retiredHealthKeys]
      .filter(([key, until]) => until > now && key !== loaded.config.server.healthKey)
      .map(([key]) => key);
    if (retiring) extra.push(retiring);
    const snapshot = buildSnapshot(loaded.config, loaded.text, [...new Set(extra)]);
    const credentials = this.credentials.prepare(loaded.config);
    const key = agentSettingsKey(loaded.config);
    const agent =
      key === this.agentKey ? undefined : { agent: createUpstreamAgent(loaded.config.server.upstream), key };
    return { loaded, snapshot, credentials, ...(agent ? { agent } : {}) };
  }

  /** Puts a staged config in use, all of it (nothing here can fail). */
  private commit(staged: Staged, retiring: string | undefined): void {
    const { config } = staged.loaded;
    if (retiring) this.retiredHealthKeys.set(retiring, Date.now() + HEALTH_KEY_GRACE_MS);
    this.graceHealthKeys(config);
    this.current = staged.snapshot;
    this.configSource = { kind: 'config' };
    this.scheduleHealthKeyExpiry();
    this.targets.setPolicy(targetPolicy(config));
    this.credentials.install(staged.credentials);
    this.credentials.warmUp();
    if (staged.agent) {
      const old = this.agent;
      this.agent = staged.agent.agent;
      this.agentKey = staged.agent.key;
      // In-flight requests finish on the old pool; close() waits for them.
      old.close().catch((err: unknown) => this.opts.log.warn({ err }, 'closing the previous upstream pool failed'));
    }
    for (const fn of this.listeners) fn(staged.snapshot);
    this.rememberGood(staged.loaded.text);
  }

  // The config in use is known to work: keep it for a start with a broken config.json. Writes
  // run one after another, so the newest config is the one that stays.
  private rememberGood(text: string): void {
    this.keeping = this.keeping
      .then(() => keepLastGood(this.opts.configFile, text))
      .catch((err: unknown) =>
        this.opts.log.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'could not keep the last good config',
        ),
      );
  }

  // Keys rotated out within the grace period, minus the current one (expired ones are forgotten).
  private graceHealthKeys(config: Readonly<Config>): string[] {
    const now = Date.now();
    for (const [key, until] of this.retiredHealthKeys)
      if (until <= now || key === config.server.healthKey) this.retiredHealthKeys.delete(key);
    return [...this.retiredHealthKeys.keys()];
  }

  // When the oldest retired key expires, rebuild the snapshot without it.
  private scheduleHealthKeyExpiry(): void {
    clearTimeout(this.graceTimer);
    if (this.retiredHealthKeys.size === 0) return;
    const next = Math.min(...this.retiredHealthKeys.values());
    this.graceTimer = setTimeout(
      () => {
        const { config, text } = this.current;
        this.current = buildSnapshot(config, text, this.graceHealthKeys(config));
        this.scheduleHealthKeyExpiry();
      },
      Math.max(0, next - Date.now()) + 10,
    ).unref();
  }

  /** Flushes usage and closes upstream connections (after in-flight requests finish). */
  async close(): Promise<void> {
    clearTimeout(this.graceTimer);
    await this.keeping;
    await this.shared.close();
    await this.agent.close();
  }
}

/** Where the proxy keeps its files inside DATA_DIR. */
export function proxyFiles(dataDir: string): {
  configFile: string;
  usageFile: string;
  affinityFile: string;
  storedObjectsFile: string;
  governanceFile: string;
} {
  return {
    storedObjectsFile: path.join(dataDir, 'stored-objects.json'),
    governanceFile: path.join(dataDir, 'governance.json'),
    configFile: path.join(dataDir, 'config.json'),
    usageFile: path.join(dataDir, 'usage.json'),
    affinityFile: path.join(dataDir, 'response-affinity.json'),
  };
}
