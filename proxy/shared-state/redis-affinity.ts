/**
 * Responses affinity in Redis: `resp_…` → the target that made it, with Azure's 30-day TTL, so a
 * conversation started on one replica continues on any other; the same for file and batch ids
 * (their upstream and owning key, no expiry). Each replica keeps what it wrote
 * or read in a bounded local map (answers without a round trip, and serves while Redis is away);
 * what was remembered while Redis was away is written once it answers again.
 */
import type { SharedRedis } from '../../common/redis/shared-redis.js';
import { ResponseAffinity, type AffinityEntry } from '../targets/response-affinity.js';
import type { AffinityStore } from './shared-state.js';

const LOCAL_ENTRIES = 20_000;
const MAX_UNWRITTEN = 20_000;

function parseEntry(text: unknown): Omit<AffinityEntry, 'at'> | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null) return undefined;
    const e = v as Record<string, unknown>;
    if (typeof e.upstream !== 'string' || typeof e.deployment !== 'string' || typeof e.model !== 'string')
      return undefined;
    const entry = { upstream: e.upstream, deployment: e.deployment, model: e.model };
    return typeof e.owner === 'string' ? { ...entry, owner: e.owner } : entry;
  } catch {
    return undefined;
  }
}

/** An affinity store shared through Redis: ids under `<prefix>:<namespace>:`, kept for `ttlMs` (Infinity: until deleted). */
export class RedisAffinity implements AffinityStore {
  private readonly local: ResponseAffinity;
  private readonly unwritten = new Map<string, Omit<AffinityEntry, 'at'>>();

  constructor(
    private readonly redis: SharedRedis,
    private readonly namespace: string,
    private readonly ttlMs: number,
  ) {
    this.local = new ResponseAffinity(LOCAL_ENTRIES, Date.now, ttlMs);
    redis.onChange((healthy) => {
      if (healthy) void this.writeUnwritten();
    });
  }

  private key(id: string): string {
    return this.redis.key(this.namespace, id);
  }

  remember(id: string, entry: Omit<AffinityEntry, 'at'>): void {
    this.local.remember(id, entry);
    this.write(id, entry).catch(() => {
      if (this.unwritten.size < MAX_UNWRITTEN) this.unwritten.set(id, entry);
    });
  }

  async find(id: string): Promise<AffinityEntry | undefined> {
    const hit = this.local.lookup(id);
    if (hit) return hit;
    const stored = parseEntry(await this.redis.command(['GET', this.key(id)]).catch(() => undefined));
    if (!stored) return undefined;
    this.local.remember(id, stored);
    return this.local.lookup(id);
  }

  forget(id: string): void {
    this.local.forget(id);
    this.unwritten.delete(id);
    this.redis.command(['DEL', this.key(id)]).catch(() => undefined);
  }

  private write(id: string, entry: Omit<AffinityEntry, 'at'>): Promise<unknown> {
    const expiry = Number.isFinite(this.ttlMs) ? ['PX', String(this.ttlMs)] : [];
    return this.redis.command(['SET', this.key(id), JSON.stringify(entry), ...expiry]);
  }

  private async writeUnwritten(): Promise<void> {
    for (const [id, entry] of [...this.unwritten]) {
      try {
        await this.write(id, entry);
        this.unwritten.delete(id);
      } catch {
        return;
      }
    }
  }
}
