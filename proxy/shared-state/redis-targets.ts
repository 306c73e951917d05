/**
 * Target health shared between replicas (docs/shared-state.md, "Target health"): a 429 with
 * Retry-After, or a circuit that opened, on one replica keeps every replica off that target.
 * Each change is published on a channel (the others apply it at once) and kept in a hash with
 * its end time, which a replica reads when it starts and whenever Redis answers again, so
 * nothing published while it was away is missed. Changes travel as durations ("for 12 s more"),
 * so clocks that differ between replicas do not matter for the live path.
 */
import type { SharedRedis } from '../../common/redis/shared-redis.js';
import type { TargetChange, TargetStates } from '../targets/target-state.js';

interface Stored {
  kind: 'cooldown' | 'open';
  until: number;
}

const CHANNEL = 'targets';

function parse(text: string): { from: string; key: string; change: TargetChange } | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null) return undefined;
    const m = v as Record<string, unknown>;
    const c = m.change as Record<string, unknown> | undefined;
    if (typeof m.from !== 'string' || typeof m.key !== 'string' || !c) return undefined;
    if (c.kind === 'closed') return { from: m.from, key: m.key, change: { kind: 'closed' } };
    if ((c.kind === 'cooldown' || c.kind === 'open') && typeof c.ms === 'number' && c.ms > 0)
      return { from: m.from, key: m.key, change: { kind: c.kind, ms: c.ms } };
  } catch {
    // Not ours.
  }
  return undefined;
}

/** Connects `targets` to the other replicas' through Redis. */
export async function shareTargets(redis: SharedRedis, targets: TargetStates, replicaId: string): Promise<void> {
  const hash = redis.key('targets');
  targets.watch((key, change) => {
    const now = Date.now();
    const store =
      change.kind === 'closed'
        ? redis.command(['HDEL', hash, key])
        : redis.command([
            'HSET',
            hash,
            key,
            JSON.stringify({ kind: change.kind, until: now + change.ms } satisfies Stored),
          ]);
    store.catch(() => undefined);
    redis.publish(CHANNEL, JSON.stringify({ from: replicaId, key, change })).catch(() => undefined);
  });
  await redis.subscribe(CHANNEL, (text) => {
    const m = parse(text);
    if (m && m.from !== replicaId) targets.apply(m.key, m.change);
  });
  const resync = async () => {
    const all = await redis.command<unknown[]>(['HGETALL', hash]).catch(() => []);
    const now = Date.now();
    for (let i = 0; i + 1 < all.length; i += 2) {
      try {
        const s = JSON.parse(String(all[i + 1])) as Stored;
        if (typeof s.until === 'number' && s.until > now && (s.kind === 'cooldown' || s.kind === 'open'))
          targets.apply(String(all[i]), { kind: s.kind, ms: s.until - now });
      } catch {
        // Skip a value we cannot read.
      }
    }
  };
  redis.onChange((healthy) => {
    if (healthy) void resync();
  });
  if (redis.healthy) await resync();
}
