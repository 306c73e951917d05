/**
 * Per-client-IP throttling of failed admin logins: after `maxFailures` failures (each within
 * `windowMs` of the previous one) the address is blocked, for `baseBlockMs` doubling with every
 * further failure up to `maxBlockMs`. A blocked address gets 429 whatever it sends, so a guess
 * made while blocked learns nothing.
 */

/** Tuning of the throttle. */
export interface ThrottleOptions {
  maxFailures: number;
  windowMs: number;
  baseBlockMs: number;
  maxBlockMs: number;
  /** Bound on remembered addresses, so a spray of source addresses cannot fill memory. */
  maxEntries: number;
}

/** 5 failures in 5 minutes, then 30 s, 60 s, … up to 15 minutes. */
export const DEFAULT_THROTTLE: ThrottleOptions = {
  maxFailures: 5,
  windowMs: 5 * 60_000,
  baseBlockMs: 30_000,
  maxBlockMs: 15 * 60_000,
  maxEntries: 10_000,
};

interface Entry {
  failures: number;
  lastAt: number;
  blockedUntil: number;
}

/** Failed-login bookkeeping for the admin service. */
export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly opts: ThrottleOptions = DEFAULT_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until `ip` may try again; 0 when it may try now. */
  retryAfterMs(ip: string): number {
    const e = this.entries.get(ip);
    return e ? Math.max(0, e.blockedUntil - this.now()) : 0;
  }

  /** Counts a failed login from `ip`, blocking it once the limit is reached. */
  recordFailure(ip: string): void {
    const now = this.now();
    let e = this.entries.get(ip);
    if (e && now - e.lastAt > this.opts.windowMs && now >= e.blockedUntil) e = undefined;
    e ??= { failures: 0, lastAt: now, blockedUntil: 0 };
    e.failures += 1;
    e.lastAt = now;
    if (e.failures >= this.opts.maxFailures) {
      const doublings = Math.min(e.failures - this.opts.maxFailures, 30);
      e.blockedUntil = now + Math.min(this.opts.baseBlockMs * 2 ** doublings, this.opts.maxBlockMs);
    }
    this.entries.delete(ip);
    this.entries.set(ip, e);
    this.prune(now);
  }

  /** Forgets `ip`'s failures after a successful login. */
  recordSuccess(ip: string): void {
    this.entries.delete(ip);
  }

  private prune(now: number): void {
    if (this.entries.size <= this.opts.maxEntries) return;
    for (const [ip, e] of this.entries) {
      if (now - e.lastAt > this.opts.windowMs && now >= e.blockedUntil) this.entries.delete(ip);
    }
    // Still too many: drop the least recently failing (Map keeps insertion order; failures re-insert).
    for (const ip of this.entries.keys()) {
      if (this.entries.size <= this.opts.maxEntries) break;
      this.entries.delete(ip);
    }
  }
}
