/**
 * A deadline on waiting for an upstream connection. undici queues a request when every
 * connection of an origin's pool is busy and starts its timeouts only once the request is on a
 * socket, so a queued request could wait without end: 260 streams that their client never read
 * held every connection, and another team's request waited 82 s. The gate counts the requests
 * in flight per origin (one connection each: pipelining is at most 1), lets the next one through
 * when one ends, and fails a request that waited `pool.queueTimeoutMs`. A request leaves the
 * gate when its response body closes (read to the end, or destroyed). What waited, for how long,
 * and what gave up is counted per origin for /metrics (pool-metrics.ts): a full pool is never silent.
 */
import type { Dispatcher } from 'undici';

/** The wait for a free connection took longer than `pool.queueTimeoutMs`. */
export class PoolWaitTimeoutError extends Error {
  readonly code = 'GW_POOL_WAIT_TIMEOUT';
}

interface Waiter {
  admit(): void;
}

interface Origin {
  active: number;
  waiters: Waiter[];
}

/** Lifetime counts of one origin's waits for a connection slot. */
export interface PoolWaitStats {
  /** Requests that found every slot busy and had to wait. */
  waits: number;
  /** Of those, requests that gave up after `pool.queueTimeoutMs`. */
  timeouts: number;
  /** Time spent waiting, all waits together (timeouts included). */
  waitMsTotal: number;
}

/** Connection slots per origin with a bounded, first-come-first-served wait. */
export class PoolGate {
  private readonly origins = new Map<string, Origin>();
  private readonly waitStats = new Map<string, PoolWaitStats>();

  constructor(
    readonly slotsPerOrigin: number,
    readonly waitMs: number,
  ) {}

  /** Requests in flight to `origin` now. */
  active(origin: string): number {
    return this.origins.get(origin)?.active ?? 0;
  }

  /** Requests waiting for a slot of `origin` now. */
  waiting(origin: string): number {
    return this.origins.get(origin)?.waiters.length ?? 0;
  }

  /** Every origin this gate has seen, with its lifetime wait counts. */
  stats(): ReadonlyMap<string, Readonly<PoolWaitStats>> {
    return this.waitStats;
  }

  /** Resolves with a release function once a slot of `origin` is free; rejects on timeout or abort. */
  acquire(origin: string, signal: AbortSignal): Promise<() => void> {
    let o = this.origins.get(origin);
    if (!o) {
      o = { active: 0, waiters: [] };
      this.origins.set(origin, o);
    }
    const slots = o;
    const stats = this.statsOf(origin);
    if (slots.active < this.slotsPerOrigin && slots.waiters.length === 0) {
      slots.active += 1;
      return Promise.resolve(this.releaser(origin, slots));
    }
    if (signal.aborted) return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    stats.waits += 1;
    const since = performance.now();
    return new Promise((resolve, reject) => {
      const leave = () => {
        stats.waitMsTotal += performance.now() - since;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        const i = slots.waiters.indexOf(waiter);
        if (i >= 0) slots.waiters.splice(i, 1);
      };
      const waiter: Waiter = {
        admit: () => {
          leave();
          slots.active += 1;
          resolve(this.releaser(origin, slots));
        },
      };
      const onAbort = () => {
        leave();
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      const timer = setTimeout(() => {
        leave();
        stats.timeouts += 1;
        reject(new PoolWaitTimeoutError(`every connection stayed busy for ${this.waitMs} ms (pool.queueTimeoutMs)`));
      }, this.waitMs);
      signal.addEventListener('abort', onAbort, { once: true });
      slots.waiters.push(waiter);
    });
  }

  private statsOf(origin: string): PoolWaitStats {
    let stats = this.waitStats.get(origin);
    if (!stats) {
      stats = { waits: 0, timeouts: 0, waitMsTotal: 0 };
      this.waitStats.set(origin, stats);
    }
    return stats;
  }

  private releaser(origin: string, slots: Origin): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      slots.active -= 1;
      const next = slots.waiters[0];
      if (next) next.admit();
      else if (slots.active === 0) this.origins.delete(origin);
    };
  }
}

const gates = new WeakMap<Dispatcher, PoolGate>();

/** Ties `gate` to the dispatcher whose pools it guards (set where the Agent is created). */
export function attachPoolGate(dispatcher: Dispatcher, gate: PoolGate): void {
  gates.set(dispatcher, gate);
}

/** The gate of `dispatcher`, if it has one (test dispatchers may not). */
export function poolGateOf(dispatcher: Dispatcher): PoolGate | undefined {
  return gates.get(dispatcher);
}
