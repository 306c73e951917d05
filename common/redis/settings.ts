/**
 * Which Redis the replicas share, if any (docs/shared-state.md, "Choosing Redis"): `REDIS_URL`
 * wins over `server.sharedState.redis.url`; `REDIS_AUTH` over its `auth`. The access key comes
 * from `REDIS_ACCESS_KEY` (or the password of `REDIS_URL`), never from config.json. Without
 * either URL the gateway keeps its state embedded.
 */
import type { SharedStateSettings } from '../config/schema.js';

/** How to reach and authenticate to the shared Redis. */
export interface RedisSettings {
  url: string;
  auth: 'none' | 'accessKey' | 'entra';
  /** User-assigned managed identity for `entra` (else DefaultAzureCredential's own choice). */
  clientId?: string;
  /** Access key for `accessKey` (absent: the URL's own password, if any). */
  accessKey?: string;
  keyPrefix: string;
  /** Longest a request waits for Redis. */
  timeoutMs: number;
}

const AUTH_MODES = ['none', 'accessKey', 'entra'] as const;
/** Default prefix of every key. */
export const DEFAULT_KEY_PREFIX = 'gw:';
/** Default longest wait for Redis on the request path. */
export const DEFAULT_TIMEOUT_MS = 250;

/** The settings from the environment and the config block, or undefined for embedded state. */
export function redisSettings(
  shared: SharedStateSettings | undefined,
  env: NodeJS.ProcessEnv = process.env,
): RedisSettings | undefined {
  const block = shared?.redis;
  const url = env.REDIS_URL || block?.url;
  if (!url) return undefined;
  if (!/^rediss?:\/\//.test(url)) throw new Error('REDIS_URL must start with redis:// or rediss://');
  const envAuth = env.REDIS_AUTH;
  if (envAuth !== undefined && envAuth !== '' && !(AUTH_MODES as readonly string[]).includes(envAuth))
    throw new Error(`REDIS_AUTH must be one of ${AUTH_MODES.join(', ')}, got "${envAuth}"`);
  const auth = (envAuth || undefined) as RedisSettings['auth'] | undefined;
  const accessKey = env.REDIS_ACCESS_KEY || undefined;
  return {
    url,
    auth: auth ?? block?.auth ?? (accessKey ? 'accessKey' : 'none'),
    ...(env.REDIS_CLIENT_ID || block?.clientId ? { clientId: env.REDIS_CLIENT_ID || block?.clientId } : {}),
    ...(accessKey ? { accessKey } : {}),
    keyPrefix: block?.keyPrefix ?? DEFAULT_KEY_PREFIX,
    timeoutMs: shared?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
}

/** The URL with any password replaced, for logs. */
export function redactedUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/)[^@/]*@/, '$1***@');
}
