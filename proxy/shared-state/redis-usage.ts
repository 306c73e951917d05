/**
 * Usage counters summed over replicas in Redis (docs/shared-state.md, "Usage"). Each replica
 * records requests in its own store (its /metrics stays per replica, as Prometheus expects) and
 * in a delta that is added to Redis about once a second by one script: per series, its minute
 * and hour buckets and its lifetime totals, merged field by field in Redis. A delta that cannot
 * be shipped stays and is shipped with the next, so nothing is lost while Redis is away. The
 * admin's usage report reads the buckets of every replica back into one store.
 */
import type { SharedRedis } from '../../common/redis/shared-redis.js';
import { luaScript } from '../../common/redis/lua-script.js';
import { MAX_MS, type Counters } from '../usage/counters.js';
import {
  HOUR_MS,
  HOUR_RETENTION_MS,
  MINUTE_MS,
  MINUTE_RETENTION_MS,
  UsageStats,
  type FileSeries,
  type UsageEvent,
  type UsageQuery,
} from '../usage/stats.js';
import type { UsageView } from './shared-state.js';

/** How often a replica ships its delta. */
export const USAGE_SHIP_INTERVAL_MS = 1_000;
const DEFAULT_SPAN_MS = 24 * HOUR_MS;

/**
 * KEYS: the minute index, the hour index, the lifetime hash, then bucket hashes. ARGV: the items
 * as JSON ({k: index of the bucket key (0 = lifetime), f: series, v: counters, t, ttl}), and the
 * 1-based position of the field kept as a maximum.
 */
const ADD = luaScript(`
local items = cjson.decode(ARGV[1])
local maxField = tonumber(ARGV[2])
for _, it in ipairs(items) do
  local key = KEYS[3]
  if it.k > 0 then key = KEYS[3 + it.k] end
  local v = it.v
  local old = redis.call('HGET', key, it.f)
  if old then
    local o = cjson.decode(old)
    for i = 1, math.max(#o, #v) do
      if i == maxField then v[i] = math.max(o[i] or 0, v[i] or 0) else v[i] = (o[i] or 0) + (v[i] or 0) end
    end
  end
  redis.call('HSET', key, it.f, cjson.encode(v))
  if it.k > 0 then
    redis.call('PEXPIRE', key, it.ttl)
    local index = KEYS[1]
    if it.h == 1 then index = KEYS[2] end
    redis.call('ZADD', index, it.t, key)
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[3]))
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', tonumber(ARGV[4]))
return 1
`);

interface Item {
  k: number;
  f: string;
  v: Counters;
  t: number;
  ttl: number;
  h: number;
}

const seriesField = (s: { model: string; keyId: string; target: string }) =>
  JSON.stringify([s.model, s.keyId, s.target]);

function parseCounters(text: unknown): Counters | undefined {
  try {
    const v: unknown = JSON.parse(String(text));
    return Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : undefined;
  } catch {
    return undefined;
  }
}

function parseField(text: unknown): [string, string, string] | undefined {
  try {
    const v: unknown = JSON.parse(String(text));
    return Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'string')
      ? [v[0] as string, v[1] as string, v[2] as string]
      : undefined;
  } catch {
    return undefined;
  }
}

/** Ships this replica's usage to Redis and reads everyone's back. */
export class RedisUsage {
  private delta = new UsageStats();
  private shipping: Promise<void> = Promise.resolve();
  private lastView: UsageView | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly redis: SharedRedis) {
    this.timer = setInterval(() => void this.ship(), USAGE_SHIP_INTERVAL_MS);
    this.timer.unref();
  }

  /** Counts one event into the next delta. */
  record(e: UsageEvent): void {
    this.delta.record(e);
  }

  /** Adds the current delta to Redis; it is kept for the next try when Redis does not answer. */
  ship(): Promise<void> {
    this.shipping = this.shipping.then(async () => {
      const d = this.delta;
      const series = d.export();
      if (series.length === 0 || !this.redis.healthy) return;
      this.delta = new UsageStats();
      try {
        await this.send(series);
      } catch {
        this.delta.absorb(series);
      }
    });
    return this.shipping;
  }

  private async send(series: FileSeries[]): Promise<void> {
    const now = Date.now();
    const keys: string[] = [];
    const keyIndex = new Map<string, number>();
    const items: Item[] = [];
    const bucket = (kind: 'm' | 'h', t: number) => {
      const key = this.redis.key('usage', kind, String(t));
      let i = keyIndex.get(key);
      if (i === undefined) {
        keys.push(key);
        i = keys.length;
        keyIndex.set(key, i);
      }
      return i;
    };
    for (const s of series) {
      const f = seriesField(s);
      items.push({ k: 0, f, v: s.lifetime, t: 0, ttl: 0, h: 0 });
      for (const [t, v] of s.minutes)
        items.push({ k: bucket('m', t), f, v, t, ttl: MINUTE_RETENTION_MS + HOUR_MS, h: 0 });
      for (const [t, v] of s.hours) items.push({ k: bucket('h', t), f, v, t, ttl: HOUR_RETENTION_MS + HOUR_MS, h: 1 });
    }
    await this.redis.run(
      ADD,
      [this.redis.key('usage', 'mi'), this.redis.key('usage', 'hi'), this.redis.key('usage', 'life'), ...keys],
      [JSON.stringify(items), MAX_MS + 1, now - MINUTE_RETENTION_MS - MINUTE_MS, now - HOUR_RETENTION_MS - HOUR_MS],
    );
  }

  /**
   * Every replica's usage for `q` (its time range; the default is the last 24 h), in one store.
   * While Redis is away: the last reading.
   */
  async view(q: UsageQuery = {}): Promise<UsageView> {
    await this.ship();
    try {
      const now = Date.now();
      const to = q.to ?? Math.floor(now / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
      const from = q.from ?? to - DEFAULT_SPAN_MS;
      const [minuteKeys, hourKeys, life] = await Promise.all([
        this.redis.command<unknown[]>([
          'ZRANGEBYSCORE',
          this.redis.key('usage', 'mi'),
          String(from - MINUTE_MS),
          String(to),
        ]),
        this.redis.command<unknown[]>([
          'ZRANGEBYSCORE',
          this.redis.key('usage', 'hi'),
          String(from - HOUR_MS),
          String(to),
        ]),
        this.redis.command<unknown[]>(['HGETALL', this.redis.key('usage', 'life')]),
      ]);
      const bySeries = new Map<string, FileSeries>();
      const seriesOf = (field: unknown): FileSeries | undefined => {
        const labels = parseField(field);
        if (!labels) return undefined;
        const id = String(field);
        let s = bySeries.get(id);
        if (!s)
          bySeries.set(
            id,
            (s = { model: labels[0], keyId: labels[1], target: labels[2], lifetime: [], minutes: [], hours: [] }),
          );
        return s;
      };
      for (let i = 0; i + 1 < life.length; i += 2) {
        const s = seriesOf(life[i]);
        const v = parseCounters(life[i + 1]);
        if (s && v) s.lifetime = v;
      }
      const read = async (keys: unknown[], into: 'minutes' | 'hours') => {
        const replies = await Promise.all(keys.map((k) => this.redis.command<unknown[]>(['HGETALL', String(k)])));
        replies.forEach((fields, j) => {
          const t = Number(String(keys[j]).split(':').pop());
          for (let i = 0; i + 1 < fields.length; i += 2) {
            const s = seriesOf(fields[i]);
            const v = parseCounters(fields[i + 1]);
            if (s && v && Number.isFinite(t)) s[into].push([t, v]);
          }
        });
      };
      await Promise.all([read(minuteKeys, 'minutes'), read(hourKeys, 'hours')]);
      const store = new UsageStats();
      store.absorb([...bySeries.values()]);
      this.lastView = store;
      return store;
    } catch {
      return this.lastView ?? new UsageStats();
    }
  }

  /** Ships what is left. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.ship();
  }
}
