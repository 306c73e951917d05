/**
 * Which replicas are alive, for the local share of limits while Redis is away
 * (local-share.ts): each replica writes a heartbeat every few seconds, and counts the
 * heartbeats younger than three periods. The count of the last contact stays in use while
 * Redis is unreachable.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { SharedRedis } from '../../common/redis/shared-redis.js';

/** How often a replica says it is alive. */
export const HEARTBEAT_MS = 5_000;

/** This replica's heartbeat and the count of live replicas. */
export class ReplicaRegistry {
  /** This replica's id: host name, pid and a random part. */
  readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private alive = 1;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly redis: SharedRedis) {
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
    redis.onChange((healthy) => {
      if (healthy) void this.beat();
    });
  }

  /** Live replicas at the last contact, this one included. */
  count(): number {
    return this.alive;
  }

  private async beat(): Promise<void> {
    if (!this.redis.healthy) return;
    const key = this.redis.key('replicas');
    const now = Date.now();
    try {
      await this.redis.command(['ZADD', key, String(now), this.id]);
      await this.redis.command(['ZREMRANGEBYSCORE', key, '-inf', String(now - 3 * HEARTBEAT_MS)]);
      this.alive = Math.max(1, Number(await this.redis.command(['ZCARD', key])) || 1);
    } catch {
      // Keep the last count.
    }
  }

  /** Leaves the registry (a clean stop), so the others' share grows at once. */
  async leave(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.command(['ZREM', this.redis.key('replicas'), this.id]).catch(() => undefined);
  }
}
