/**
 * The request log: one record per client request, refusals included (401, 403, 404, 413, 415,
 * gateway 429s, upstream errors, clients that left), written when the response closes, in a ring
 * of a fixed size kept in memory. The admin's request search reads it, and exact latency
 * percentiles are computed from it while it still holds every request of a range
 * (docs/usage-and-metrics.md, "Request log").
 */
import type { RequestRecord } from '../../common/request-record.js';

/** How many requests the log keeps: about 7 MB at ~350 B a record. */
export const REQUEST_LOG_CAPACITY = 20_000;

/** A search of the log; every given field must match. */
export interface RequestSearch {
  id?: string;
  keyId?: string;
  model?: string;
  target?: string;
  /** An exact status (`429`), a class (`4xx`, `5xx`), or `0` for clients that left. */
  status?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  /** Most records returned (newest first). */
  limit?: number;
}

/** What a search answers: newest first, and how far back the log reaches. */
export interface RequestSearchResult {
  records: RequestRecord[];
  /** Records that matched (before `limit`). */
  matched: number;
  capacity: number;
  /** Records held now. */
  held: number;
  /** Time of the oldest record held, or null when empty. */
  oldestAt: number | null;
  /** When the log started (the proxy's start); nothing earlier is in it. */
  since: number;
}

const STATUS_CLASS = /^([1-5])xx$/i;

/** True when `status` matches a search's status filter. */
export function statusMatches(filter: string, status: number): boolean {
  const cls = STATUS_CLASS.exec(filter.trim());
  if (cls) return Math.floor(status / 100) === Number(cls[1]);
  return Number(filter) === status;
}

/** A bounded ring of finished requests, oldest overwritten first. */
export class RequestLog {
  private readonly ring: RequestRecord[] = [];
  private next = 0;
  readonly since: number;

  constructor(
    readonly capacity = REQUEST_LOG_CAPACITY,
    now: () => number = Date.now,
  ) {
    this.since = now();
  }

  /** Adds one record (the hot path: one array write). */
  add(r: RequestRecord): void {
    if (this.ring.length < this.capacity) this.ring.push(r);
    else this.ring[this.next] = r;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Records oldest first. */
  all(): RequestRecord[] {
    return this.ring.length < this.capacity
      ? [...this.ring]
      : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  /** The records matching `q`, newest first. */
  search(q: RequestSearch = {}): RequestSearchResult {
    const all = this.all();
    const out: RequestRecord[] = [];
    let matched = 0;
    const limit = q.limit ?? 200;
    for (let i = all.length - 1; i >= 0; i--) {
      const r = all[i]!;
      if (!matches(r, q)) continue;
      matched++;
      if (out.length < limit) out.push(r);
    }
    return {
      records: out,
      matched,
      capacity: this.capacity,
      held: all.length,
      oldestAt: all[0]?.at ?? null,
      since: this.since,
    };
  }
}

function matches(r: RequestRecord, q: RequestSearch): boolean {
  if (q.id !== undefined && r.id !== q.id) return false;
  if (q.keyId !== undefined && r.keyId !== q.keyId) return false;
  if (q.model !== undefined && r.model !== q.model) return false;
  if (q.target !== undefined && r.target !== q.target) return false;
  if (q.status !== undefined && !statusMatches(q.status, r.status)) return false;
  if (q.from !== undefined && r.at < q.from) return false;
  return q.to === undefined || r.at < q.to;
}
