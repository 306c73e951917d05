/**
 * Which log lines the Logs page shows: the query sent to the admin API (source, level, limit and
 * the one substring the server filters on) and the filters applied here to what comes back.
 * DOM-free, so unit tests import it.
 */
import { isRecord } from '../../api.js';

type Json = Record<string, unknown>;

/** The page's filters. */
export interface LogFilters {
  source: 'proxy' | 'caddy';
  level: string;
  model: string;
  reqId: string;
  text: string;
  limit: string;
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** A line's level as a name (pino's numbers, Caddy's names). */
export function levelName(v: unknown): string {
  if (typeof v === 'number') return LEVEL_NAMES[v] ?? String(v);
  return typeof v === 'string' ? v.toLowerCase() : '';
}

/** A line's time: epoch ms (pino's `time`, Caddy's `ts` in seconds) or the text it has. */
export function lineTime(l: Json): number | string {
  if (typeof l.time === 'number') return l.time;
  if (typeof l.ts === 'number') return l.ts * 1000;
  return typeof l.time === 'string' ? l.time : typeof l.ts === 'string' ? l.ts : '';
}

/** The query of GET /admin/api/logs: the server filters on one substring, the most selective one. */
export function logQuery(f: LogFilters): URLSearchParams {
  const q = new URLSearchParams({ source: f.source, limit: f.limit });
  if (f.level) q.set('level', f.level);
  const serverText = f.reqId || f.text || f.model;
  if (serverText) q.set('q', serverText);
  return q;
}

/** Whether line `l` passes the filters applied in the browser. */
export function matches(l: Json, f: LogFilters): boolean {
  if (
    f.model &&
    !String(l.model ?? '')
      .toLowerCase()
      .includes(f.model.toLowerCase())
  )
    return false;
  if (f.reqId) {
    const ids = [l.reqId, l.requestId, l.request_id, isRecord(l.request) ? l.request.id : undefined].map((x) =>
      String(x ?? ''),
    );
    if (!ids.some((x) => x === f.reqId) && !JSON.stringify(l).includes(f.reqId)) return false;
  }
  if (f.text && !JSON.stringify(l).toLowerCase().includes(f.text.toLowerCase())) return false;
  return true;
}
