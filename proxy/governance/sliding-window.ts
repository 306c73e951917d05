/**
 * An exact sliding window: a log of (time, amount) entries from the last minute and their sum.
 * Exact rather than approximated by fixed buckets, so "K per minute" never admits K+1 in any 60 s
 * span. Memory is one small object per admitted request of the last minute.
 */

/** Length of a minute limit's window. */
export const WINDOW_MS = 60_000;

/** One counted request; `amount` can be corrected later (a token reservation settled). */
export interface WindowEntry {
  readonly at: number;
  amount: number;
  /** Set once the entry has left the window: a late correction then changes nothing. */
  expired: boolean;
}

/** Amounts counted in the last WINDOW_MS. */
export class SlidingWindow {
  private entries: WindowEntry[] = [];
  private head = 0;
  private total = 0;

  /** The amount counted in the window ending at `now`. */
  sum(now: number): number {
    this.prune(now);
    return this.total;
  }

  /**
   * Milliseconds until `need` more fits under `limit` (0: it fits now); Infinity when `need`
   * alone is larger than the limit and so can never fit.
   */
  waitFor(need: number, limit: number, now: number): number {
    if (need > limit) return Infinity;
    this.prune(now);
    let excess = this.total + need - limit;
    if (excess <= 0) return 0;
    for (let i = this.head; i < this.entries.length; i++) {
      const e = this.entries[i]!;
      excess -= e.amount;
      if (excess <= 0) return e.at + WINDOW_MS - now;
    }
    return WINDOW_MS;
  }

  /** Milliseconds until everything now counted has left the window (0 when empty). */
  resetIn(now: number): number {
    this.prune(now);
    const newest = this.entries[this.entries.length - 1];
    return this.head < this.entries.length && newest ? newest.at + WINDOW_MS - now : 0;
  }

  /** Counts `amount` at `now`; the entry can be corrected with `correct`. */
  add(amount: number, now: number): WindowEntry {
    const entry: WindowEntry = { at: now, amount, expired: false };
    this.entries.push(entry);
    this.total += amount;
    return entry;
  }

  /** Replaces an entry's amount (a reservation settled to what was really used). */
  correct(entry: WindowEntry, amount: number): void {
    if (entry.expired) return;
    this.total += amount - entry.amount;
    entry.amount = amount;
  }

  private prune(now: number): void {
    const cutoff = now - WINDOW_MS;
    while (this.head < this.entries.length && this.entries[this.head]!.at <= cutoff) {
      const e = this.entries[this.head++]!;
      e.expired = true;
      this.total -= e.amount;
    }
    // Compact once the dead prefix dominates, so the array does not grow for ever.
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    if (this.head === this.entries.length) this.total = 0;
  }
}
