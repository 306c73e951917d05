/**
 * The proxy's long-lived state: the current config snapshot, the upstream connection pool,
 * credentials, and the state shared with other replicas (usage, limits, affinity: embedded or
 * in Redis, proxy/shared-state/). `reload()` is the only way the snapshot changes: it reads
 * the file, keeps the old snapshot on any problem, and swaps the whole thing on success.
 */
import path from 'node:path';
import type { Agent } from 'undici';
import type { FastifyBaseLogger } from 'fastify';
import { loadConfigFile } from '../common/config/load.js';
import { ConfigInvalidError, type ConfigIssue } from '../common/config/errors.js';
import type { Config } from '../common/config/schema.js';
import { buildSnapshot, type ConfigSnapshot } from './snapshot.js';
import { CredentialRegistry } from '../common/credentials/upstream-credentials.js';
import { createUpstreamAgent } from './upstream/call.js';
import type { UsageQuery, UsageStats } from './usage/stats.js';
import { TargetStates, type TargetPolicy } from './targets/target-state.js';
import type { GovernanceState } from './governance/state.js';
import { redisSettings } from '../common/redis/settings.js';
import type { SharedRedisOptions } from '../common/redis/shared-redis.js';
import { openEmbeddedState } from './shared-state/embedded-state.js';
import type { AffinityStore, SharedState, UsageView } from './shared-state/shared-state.js';

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
  private current: ConfigSnapshot;
  private agent: Agent;
  private agentKey: string;
  private graceTimer: NodeJS.Timeout | undefined;
  private reloading: Promise<ReloadResult> | undefined;
  private queued: Promise<ReloadResult> | undefined;
  /** Previous health keys still accepted, with when they stop being accepted. */
  private retiredHealthKeys = new Map<string, number>();

  private constructor(
    private readonly opts: RuntimeOptions,
    snapshot: ConfigSnapshot,
    readonly shared: SharedState,
  ) {
    this.current = snapshot;
    this.usage = shared.usage;
    this.governance = shared.governance;
    this.affinity = shared.affinity;
    this.targets = new TargetStates(targetPolicy(snapshot.config), opts.log);
    this.credentials = new CredentialRegistry(opts.log);
    this.credentials.update(snapshot.config);
    this.agent = createUpstreamAgent(snapshot.config.server.upstream);
    this.agentKey = agentSettingsKey(snapshot.config);
  }

  /** Loads the config (throws ConfigInvalidError listing every problem) and opens the shared state. */
  static async start(opts: RuntimeOptions): Promise<ProxyRuntime> {
    const loaded = await loadConfigFile(opts.configFile);
    for (const w of loaded.warnings) opts.log.warn({ path: w.path }, w.message);
    const redis = redisSettings(loaded.config.server.sharedState, opts.env);
    // The Redis client is loaded only when it is used: a single container does not pay for it at start.
    const shared = redis
      ? await (await import('./shared-state/redis-state.js')).openRedisState(redis, opts.log, opts.redis)
      : await openEmbeddedState(opts, opts.log);
    const runtime = new ProxyRuntime(opts, buildSnapshot(loaded.config, loaded.text), shared);
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
    if (loaded.text === this.current.text) return { status: 'unchanged', warnings: loaded.warnings };
    const previousHealthKey = this.current.config.server.healthKey;
    if (previousHealthKey && previousHealthKey !== loaded.config.server.healthKey) {
      this.retiredHealthKeys.set(previousHealthKey, Date.now() + HEALTH_KEY_GRACE_MS);
    }
    if (JSON.stringify(loaded.config.server.sharedState) !== JSON.stringify(this.current.config.server.sharedState)) {
      this.opts.log.warn({}, 'server.sharedState changed: it takes effect when the proxy restarts');
    }
    this.current = buildSnapshot(loaded.config, loaded.text, this.graceHealthKeys(loaded.config));
    this.scheduleHealthKeyExpiry();
    this.targets.setPolicy(targetPolicy(loaded.config));
    this.credentials.update(loaded.config);
    this.credentials.warmUp();
    this.swapAgentIfNeeded(loaded.config);
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

  // Keys rotated out within the grace period, minus the current one.
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

  private swapAgentIfNeeded(config: Readonly<Config>): void {
    const key = agentSettingsKey(config);
    if (key === this.agentKey) return;
    const old = this.agent;
    this.agent = createUpstreamAgent(config.server.upstream);
    this.agentKey = key;
    // In-flight requests finish on the old pool; close() waits for them.
    old.close().catch((err: unknown) => this.opts.log.warn({ err }, 'closing the previous upstream pool failed'));
  }

  /** Flushes usage and closes upstream connections (after in-flight requests finish). */
  async close(): Promise<void> {
    clearTimeout(this.graceTimer);
    await this.shared.close();
    await this.agent.close();
  }
}

/** Where the proxy keeps its files inside DATA_DIR. */
export function proxyFiles(dataDir: string): {
  configFile: string;
  usageFile: string;
  affinityFile: string;
  governanceFile: string;
} {
  return {
    governanceFile: path.join(dataDir, 'governance.json'),
    configFile: path.join(dataDir, 'config.json'),
    usageFile: path.join(dataDir, 'usage.json'),
    affinityFile: path.join(dataDir, 'response-affinity.json'),
  };
}
