/**
 * The one interface behind which lives everything replicas of the gateway must share
 * (docs/shared-state.md): limit counters, reservations and spend (the governance state), target
 * cool-downs and circuits, Responses affinity and file and batch ids, usage counters, and config-change notifications.
 * `embedded-state.ts` keeps it in the process and DATA_DIR, as a single replica always did;
 * `redis-state.ts` shares it through Redis and falls back to local state while Redis is away.
 */
import type { GovernanceState } from '../governance/state.js';
import type { GaugeSample } from '../observe/prometheus.js';
import type { AffinityEntry } from '../targets/response-affinity.js';
import type { TargetStates } from '../targets/target-state.js';
import type { UsageQuery, UsageStats } from '../usage/stats.js';

/** Which resource produced each Responses id. */
export interface AffinityStore {
  remember(id: string, entry: Omit<AffinityEntry, 'at'>): void;
  /** Where `id` lives, if known; never waits longer than the shared state's timeout. */
  find(id: string): Promise<AffinityEntry | undefined>;
  forget(id: string): void;
}

/** Usage as the admin reads it. */
export type UsageView = Pick<UsageStats, 'snapshot' | 'rows' | 'lifetime'>;

/** How /readyz reports shared state: `embedded`, or Redis `ok` / `degraded`. */
export type SharedStateStatus = 'embedded' | 'ok' | 'degraded';

/** Everything the proxy shares with other replicas. */
export interface SharedState {
  /** This replica's usage store: every finished request is recorded here. */
  readonly usage: UsageStats;
  readonly governance: GovernanceState;
  readonly affinity: AffinityStore;
  /** Files and batches: the upstream and the key that made each id. */
  readonly storedObjects: AffinityStore;
  /** Usage of every replica together (this replica's alone when embedded). */
  usageView(q?: UsageQuery): Promise<UsageView>;
  /** Connects this replica's target states and config reloads to the others. */
  attach(targets: TargetStates, reload: (why: string) => void): Promise<void>;
  status(): SharedStateStatus;
  gauges(): GaugeSample[];
  close(): Promise<void>;
}
