/**
 * Per-client-IP throttling of admin logins: after `maxFailures` failures (each within `windowMs`
 * of the previous one) the address is blocked, for `baseBlockMs` doubling with every further
 * failure up to `maxBlockMs`. A blocked address gets 429 whatever it sends, so a guess made while
 * blocked learns nothing.
 *
 * An attempt counts as a failure from the moment it starts (the password check takes a while and
 * many guesses can arrive together, e.g. multiplexed on one HTTP/2 connection): the block is
 * decided before any password is checked, so at most `maxFailures` guesses are ever evaluated at
 * once. A success takes back only its own count and the failures that had ended before it began;
 * failures made concurrently with it stay counted.
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

/** One login attempt, counted as failed until it is settled; settling twice does nothing. */
export interface LoginAttempt {
  succeeded(): void;
  failed(): void;
}

/** What `begin` answers for an address that is blocked. */
export interface Blocked {
  retryAfterMs: number;
}

interface Entry {
  /** Failures settled since the entry was made (never decreases). */
  settled: number;
  /** How many of the first `settled` a success has taken back. */
  forgiven: number;
  /** Attempts started and not settled yet (each counted as a failure). */
  pending: number;
  lastAt: number;
  blockedUntil: number;
}

/** Login bookkeeping for the admin service. */
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

  /** Starts an attempt from `ip`, counted as a failure until settled; or says the address is blocked. */
  begin(ip: string): LoginAttempt | Blocked {
    const now = this.now();
    let e = this.entries.get(ip);
    if (e && e.pending === 0 && now - e.lastAt > this.opts.windowMs && now >= e.blockedUntil) e = undefined;
    if (e && e.blockedUntil > now) return { retryAfterMs: e.blockedUntil - now };
    e ??= { settled: 0, forgiven: 0, pending: 0, lastAt: now, blockedUntil: 0 };
    e.pending += 1;
    e.lastAt = now;
    this.block(e, now);
    this.entries.delete(ip);
    this.entries.set(ip, e);
    this.prune(now);
    const entry = e;
    const settledBefore = e.settled;
    let done = false;
    return {
      failed: () => {
        if (done) return;
        done = true;
        entry.pending -= 1;
        entry.settled += 1;
      },
      succeeded: () => {
        if (done) return;
        done = true;
        entry.pending -= 1;
        entry.forgiven = Math.max(entry.forgiven, settledBefore);
        // Its own count is gone: lift the block unless the failures still counted keep it.
        if (this.count(entry) < this.opts.maxFailures) entry.blockedUntil = 0;
        if (this.count(entry) === 0 && this.entries.get(ip) === entry) this.entries.delete(ip);
      },
    };
  }

  private count(e: Entry): number {
    return e.settled - e.forgiven + e.pending;
  }

  // Blocks once the count reaches the limit, for longer with every count past it.
  private block(e: Entry, now: number): void {
    const n = this.count(e);
    if (n < this.opts.maxFailures) return;
    const doublings = Math.min(n - this.opts.maxFailures, 30);
    e.blockedUntil = now + Math.min(this.opts.baseBlockMs * 2 ** doublings, this.opts.maxBlockMs);
  }

  private prune(now: number): void {
    if (this.entries.size <= this.opts.maxEntries) return;
    for (const [ip, e] of this.entries) {
      if (e.pending === 0 && now - e.lastAt > this.opts.windowMs && now >= e.blockedUntil) this.entries.delete(ip);
    }
    // Still too many: drop the least recently active (Map keeps insertion order; attempts re-insert),
    // never one with an attempt in progress (its count would be lost).
    for (const [ip, e] of this.entries) {
      if (this.entries.size <= this.opts.maxEntries) break;
      if (e.pending === 0) this.entries.delete(ip);
    }
  }
}
