/**
 * Config-change notifications between the admin and the replicas (docs/shared-state.md,
 * "Replicas"): after an apply the admin publishes on this channel; each replica's proxy reloads
 * and its Caddy is reconciled at once. Replicas also poll config.json's mtime, so a lost
 * notification (or no Redis at all) only delays them by a few seconds.
 */
import { loadConfigFile } from '../config/load.js';
import { redisSettings } from './settings.js';
import type { SharedRedis } from './shared-redis.js';

/** The channel name (under the key prefix). */
export const CONFIG_CHANNEL = 'config';

interface Logger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Opens Redis when shared state is configured (REDIS_URL or config.json), else undefined. */
export async function openConfigChannel(
  configFile: string,
  name: string,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SharedRedis | undefined> {
  const shared = await loadConfigFile(configFile).then(
    (l) => l.config.server.sharedState,
    () => undefined,
  );
  const settings = redisSettings(shared, env);
  if (!settings) return undefined;
  // Loaded only when Redis is configured: a single container does not pay for the client at start.
  const { SharedRedis: Redis } = await import('./shared-redis.js');
  return Redis.open(settings, { log, name });
}
