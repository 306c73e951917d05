/**
 * Shared state in Redis (docs/shared-state.md): the governance ledger, target health, Responses
 * affinity, usage and config notifications, all over one connection (plus one for
 * notifications). Nothing here ever answers a request with an error because of Redis: each
 * part falls back to local state while the connection is degraded.
 */
import type { FastifyBaseLogger } from 'fastify';
import { SharedRedis, type SharedRedisOptions } from '../../common/redis/shared-redis.js';
import type { RedisSettings } from '../../common/redis/settings.js';
import { UsageStats } from '../usage/stats.js';
import type { TargetStates } from '../targets/target-state.js';
import { RedisAffinity } from './redis-affinity.js';
import { AFFINITY_TTL_MS } from '../targets/response-affinity.js';
import { RedisLedger } from './redis-ledger.js';
import { shareTargets } from './redis-targets.js';
import { RedisUsage } from './redis-usage.js';
import { CONFIG_CHANNEL } from '../../common/redis/config-channel.js';
import { ReplicaRegistry } from './replica-registry.js';
import type { SharedState } from './shared-state.js';

/** Opens shared state on Redis; never waits for Redis to answer. */
export async function openRedisState(
  settings: RedisSettings,
  log: FastifyBaseLogger,
  extra: Pick<SharedRedisOptions, 'credential' | 'tlsCa'> = {},
): Promise<SharedState> {
  const redis = await SharedRedis.open(settings, { log, name: 'gateway-proxy', ...extra });
  const replicas = new ReplicaRegistry(redis);
  const shipped = new RedisUsage(redis);
  // This replica's own counters (for its /metrics) live in memory; the sum lives in Redis.
  const usage = new UsageStats({ logger: log, onRecord: (e) => shipped.record(e) });
  const governance = new RedisLedger(redis, log, () => replicas.count());
  const affinity = new RedisAffinity(redis, 'resp', AFFINITY_TTL_MS);
  // Files and batches live until deleted (no expiry).
  const storedObjects = new RedisAffinity(redis, 'obj', Infinity);
  return {
    usage,
    governance,
    affinity,
    storedObjects,
    usageView: (q) => shipped.view(q),
    async attach(targets: TargetStates, reload: (why: string) => void) {
      await shareTargets(redis, targets, replicas.id);
      await redis.subscribe(CONFIG_CHANNEL, () => reload('config change announced'));
    },
    status: () => (redis.healthy ? 'ok' : 'degraded'),
    gauges: () => [
      ...redis.gauges(),
      {
        name: 'gateway_shared_state_replicas',
        help: 'Replicas alive at the last contact with Redis',
        value: replicas.count(),
      },
    ],
    async close() {
      await Promise.allSettled([governance.close(), shipped.close(), replicas.leave()]);
      await redis.close();
    },
  };
}
