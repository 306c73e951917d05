/**
 * The request search of the Logs page: its filters, the query of GET /admin/api/requests they
 * make, and the answer narrowed to rows. DOM-free, so unit tests import it.
 */
import { isRecord } from '../../api.js';

/** How far back the search looks (the proxy's log holds its most recent requests only). */
export const REQUEST_RANGES = { '15m': 900_000, '1h': 3_600_000, '24h': 86_400_000, all: 0 } as const;
/** A time range of the search. */
export type RequestRange = keyof typeof REQUEST_RANGES;

/** Statuses and classes offered in the status filter; '0' is a client that left. */
export const STATUS_CHOICES = ['2xx', '4xx', '5xx', '401', '403', '404', '413', '415', '429', '502', '503', '504', '0'];

/** The search's filters. */
export interface RequestFilters {
  id: string;
  key: string;
  model: string;
  status: string;
  range: RequestRange;
  limit: string;
}

/**
 * One request as the table shows it: the shape of `common/request-record.ts`, repeated because
 * the UI's build compiles only `admin/ui/src`.
 */
export interface RequestRow {
  at: number;
  id: string;
  method: string;
  path: string;
  keyId: string;
  model: string;
  target: string;
  status: number;
  ms: number;
  error: string;
  /** Whether an upstream answered (false: refused by the gateway or by Caddy). */
  upstream: boolean;
  source: 'proxy' | 'caddy';
}

/** The answer: rows newest first, how many matched, and how far back the proxy's log reaches. */
export interface RequestAnswer {
  rows: RequestRow[];
  matched: number;
  capacity: number | null;
  since: number | null;
  oldestAt: number | null;
  /** Why the proxy's log could not be read (only Caddy's answers are listed then), or null. */
  proxyUnavailable: string | null;
}

/** The query of GET /admin/api/requests for `f`, the range ending at `now`. */
export function requestQuery(f: RequestFilters, now: number): URLSearchParams {
  const q = new URLSearchParams({ limit: f.limit });
  if (f.id) q.set('id', f.id);
  if (f.key) q.set('key', f.key);
  if (f.model) q.set('model', f.model);
  if (f.status) q.set('status', f.status);
  const span = REQUEST_RANGES[f.range];
  if (span > 0) q.set('from', String(now - span));
  return q;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const count = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The API's answer `v`, narrowed. */
export function asRequestAnswer(v: unknown): RequestAnswer {
  const r = isRecord(v) ? v : {};
  const proxy = isRecord(r.proxy) ? r.proxy : {};
  const rows = (Array.isArray(r.records) ? r.records.filter(isRecord) : []).map((x): RequestRow => ({
    at: count(x.at) ?? 0,
    id: text(x.id),
    method: text(x.method),
    path: text(x.path),
    keyId: text(x.keyId),
    model: text(x.model),
    target: text(x.target),
    status: count(x.status) ?? 0,
    ms: count(x.ms) ?? 0,
    error: text(x.error),
    upstream: x.upstream === true,
    source: x.source === 'caddy' ? 'caddy' : 'proxy',
  }));
  return {
    rows,
    matched: count(r.matched) ?? rows.length,
    capacity: count(proxy.capacity),
    since: count(proxy.since),
    oldestAt: count(proxy.oldestAt),
    proxyUnavailable: typeof proxy.unavailable === 'string' ? proxy.unavailable : null,
  };
}

/** The badge tone of a status: success, refusal, failure, or a client that left. */
export function statusTone(status: number): 'ok' | 'warn' | 'error' | 'muted' {
  if (status >= 200 && status < 400) return 'ok';
  if (status >= 400 && status < 500) return 'warn';
  if (status >= 500) return 'error';
  return 'muted';
}
