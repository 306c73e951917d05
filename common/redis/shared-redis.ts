/**
 * The one Redis connection of a process (plus one for notifications), with the rules every user
 * of shared state relies on (docs/shared-state.md, "When Redis is down or slow"):
 * - no command waits longer than `timeoutMs`: a command that times out fails, and so does every
 *   command while the connection is down (no offline queue), so callers fall back at once;
 * - the connection is `ok` or `degraded`; each transition is logged once and counted, and a
 *   probe brings it back to `ok` when Redis answers again;
 * - every key carries the prefix and the hash tag `{gw}`, so the multi-key scripts stay in one
 *   slot of a clustered cache (Azure Managed Redis).
 */
import type { TokenCredential } from '@azure/identity';
import { createClient, ErrorReply } from 'redis';
import { EntraRedisCredentials } from './entra-credentials.js';
import { isNoScript, type LuaScript } from './lua-script.js';
import { redactedUrl, type RedisSettings } from './settings.js';

/** How often a degraded connection is probed, and an ok one pinged (idle connections get dropped by Azure's load balancer after 10 min). */
export const PROBE_INTERVAL_MS = 1_000;
const PING_INTERVAL_MS = 30_000;
const CONNECT_TIMEOUT_MS = 3_000;
const MAX_RECONNECT_DELAY_MS = 1_000;

interface Logger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What else opening a connection needs. */
export interface SharedRedisOptions {
  log: Logger;
  /** Shown in CLIENT LIST (`gateway-proxy`, `gateway-admin`). */
  name: string;
  /** For `entra`: the credential that gets Redis tokens (default: built from the settings). */
  credential?: TokenCredential;
  /** Extra CA for a rediss:// server with a private certificate (tests; NODE_EXTRA_CA_CERTS in a process). */
  tlsCa?: string;
}

type Client = ReturnType<typeof makeClient>;
type Listener = (healthy: boolean) => void;

/** The error a command fails with while Redis is degraded. */
export class SharedStateUnavailable extends Error {
  constructor(why: string) {
    super(`shared state unavailable: ${why}`);
  }
}

/** A process's connection to the shared Redis. */
export class SharedRedis {
  private healthyNow = false;
  private everHealthy = false;
  private transitionCount = 0;
  private readonly listeners: Listener[] = [];
  private readonly probeTimer: NodeJS.Timeout;
  private subscriber: Client | undefined;
  private closed = false;
  private warnedAtStart = false;

  private constructor(
    private readonly client: Client,
    readonly settings: RedisSettings,
    private readonly opts: SharedRedisOptions,
    private readonly entra: EntraRedisCredentials | undefined,
  ) {
    client.on('error', (err: unknown) => this.markDegraded(err instanceof Error ? err.message : String(err)));
    client.on('end', () => this.markDegraded('connection closed'));
    client.on('ready', () => void this.probe());
    this.probeTimer = setInterval(() => void this.probe(), PROBE_INTERVAL_MS);
    this.probeTimer.unref();
  }

  /** Starts connecting (never waits for Redis: until it answers, the connection is degraded). */
  static async open(settings: RedisSettings, opts: SharedRedisOptions): Promise<SharedRedis> {
    let entra: EntraRedisCredentials | undefined;
    if (settings.auth === 'entra') {
      const credential = opts.credential ?? (await defaultCredential(settings.clientId));
      entra = new EntraRedisCredentials(credential, opts.log, settings.clientId);
    }
    const client = makeClient(settings, opts, entra);
    const shared = new SharedRedis(client, settings, opts, entra);
    opts.log.info(
      { url: redactedUrl(settings.url), auth: settings.auth, keyPrefix: settings.keyPrefix },
      'shared state: connecting to Redis',
    );
    client.connect().catch((err: unknown) => shared.markDegraded(err instanceof Error ? err.message : String(err)));
    return shared;
  }

  /** A key of the shared state: prefix, hash tag, parts. */
  key(...parts: string[]): string {
    return `${this.settings.keyPrefix}{gw}:${parts.join(':')}`;
  }

  /** True while Redis answers in time. */
  get healthy(): boolean {
    return this.healthyNow;
  }

  /** Transitions between ok and degraded so far. */
  get transitions(): number {
    return this.transitionCount;
  }

  /** Calls `listener` on every transition (true: ok again). */
  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** Sends one command, failing at once when degraded and after `timeoutMs` at most. */
  async command<T = unknown>(args: string[]): Promise<T> {
    if (!this.healthyNow) throw new SharedStateUnavailable('Redis is degraded');
    return this.timed(() =>
      this.client.sendCommand<T>(args, { timeout: this.settings.timeoutMs, rejectInFlight: true }),
    );
  }

  /** Runs a script atomically (EVALSHA, EVAL when Redis does not know it). */
  async run(script: LuaScript, keys: string[], args: Array<string | number>): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args.map(String)];
    try {
      return await this.command(['EVALSHA', script.sha, ...tail]);
    } catch (err) {
      if (!isNoScript(err)) throw err;
      return this.command(['EVAL', script.source, ...tail]);
    }
  }

  /** Publishes a notification (failures are the caller's to ignore). */
  async publish(channel: string, message: string): Promise<void> {
    await this.command(['PUBLISH', this.key(channel), message]);
  }

  /**
   * Listens on a channel over a second connection; node-redis subscribes again after every
   * reconnect. Messages sent while it was down are lost: callers also poll or resync on `onChange`.
   */
  async subscribe(channel: string, listener: (message: string) => void): Promise<void> {
    if (!this.subscriber) {
      this.subscriber = this.client.duplicate();
      this.subscriber.on('error', () => undefined);
      this.subscriber.connect().catch(() => undefined);
    }
    await this.subscriber.subscribe(this.key(channel), (message: string) => listener(message));
  }

  /** Prometheus gauges of the connection. */
  gauges(): Array<{ name: string; help: string; value: number }> {
    return [
      {
        name: 'gateway_shared_state_degraded',
        help: 'Whether shared state (Redis) is unreachable and local counters are used (1) or not (0)',
        value: this.healthyNow ? 0 : 1,
      },
      {
        name: 'gateway_shared_state_transitions',
        help: 'Transitions between ok and degraded since start',
        value: this.transitionCount,
      },
    ];
  }

  /** Closes both connections. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.probeTimer);
    this.entra?.close();
    await Promise.allSettled([this.client.close(), this.subscriber?.close()]);
  }

  private async timed<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      // A reply that did not come in time (or a dropped connection) degrades the connection;
      // an error reply from Redis (a script error) does not.
      if (!(err instanceof ErrorReply)) this.markDegraded(err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  private async probe(): Promise<void> {
    if (this.closed || this.healthyNow || !this.client.isReady) return;
    try {
      await this.client.sendCommand(['PING'], { timeout: this.settings.timeoutMs, rejectInFlight: true });
      this.markHealthy();
    } catch {
      // Still degraded: the next tick tries again.
    }
  }

  private markHealthy(): void {
    if (this.healthyNow || this.closed) return;
    this.healthyNow = true;
    if (this.everHealthy) this.transitionCount++;
    this.opts.log.info(
      { sharedState: 'ok' },
      this.everHealthy
        ? 'shared state: Redis answers again; counting is shared again'
        : 'shared state: connected to Redis',
    );
    this.everHealthy = true;
    for (const l of this.listeners) l(true);
  }

  private markDegraded(why: string): void {
    if (this.closed) return;
    if (!this.healthyNow && this.everHealthy) return;
    if (!this.healthyNow) {
      // Never connected yet: say so once.
      if (this.transitionCount === 0 && !this.warnedAtStart) {
        this.warnedAtStart = true;
        this.opts.log.warn(
          { sharedState: 'degraded', why },
          'shared state: Redis not reachable yet; serving with local counters',
        );
      }
      return;
    }
    this.healthyNow = false;
    this.transitionCount++;
    this.opts.log.warn(
      { sharedState: 'degraded', why },
      'shared state: Redis unreachable or slow; serving with local counters',
    );
    for (const l of this.listeners) l(false);
  }
}

// RESP2: what every Azure cache tier speaks; replies of scripts are plain arrays and strings.
function makeClient(settings: RedisSettings, opts: SharedRedisOptions, entra: EntraRedisCredentials | undefined) {
  const tls = settings.url.startsWith('rediss://');
  return createClient({
    url: settings.url,
    RESP: 2,
    name: opts.name,
    disableOfflineQueue: true,
    pingInterval: PING_INTERVAL_MS,
    ...(settings.auth === 'accessKey' && settings.accessKey ? { password: settings.accessKey } : {}),
    ...(entra ? { credentialsProvider: entra } : {}),
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, MAX_RECONNECT_DELAY_MS),
      ...(tls ? { tls: true as const, ...(opts.tlsCa ? { ca: opts.tlsCa } : {}) } : {}),
    },
  });
}

async function defaultCredential(clientId: string | undefined): Promise<TokenCredential> {
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new DefaultAzureCredential(clientId ? { managedIdentityClientId: clientId } : {});
}
