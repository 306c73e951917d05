/**
 * GET /admin/api/requests: the request search. Every client request the proxy answered (its
 * request log, `/internal/requests`) and the client-API requests Caddy answered itself (from the
 * tail of its access log), newest first, filtered by request id, key, model, target, status or
 * status class, and time (docs/usage-and-metrics.md, "Request log").
 */
import type { FastifyInstance } from 'fastify';
import { tailJsonLines } from '../caddy/log.js';
import { caddyRefusals, type CaddyRefusal } from '../caddy/caddy-refusals.js';
import type { AdminContext } from '../context.js';
import { InvalidRequestError } from '../errors.js';
import { isRecord } from '../http-call.js';
import { ProxyCallError } from '../proxy-client.js';

const PARAMS = ['id', 'key', 'model', 'target', 'status', 'from', 'to', 'limit'] as const;
type Params = Partial<Record<(typeof PARAMS)[number], string>>;
const STATUS = /^(\d{1,3}|[1-5]xx)$/i;
const MAX_LIMIT = 2000;

function time(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n)) throw new InvalidRequestError(`"${v}" is not a time: send epoch milliseconds or ISO 8601.`);
  return n;
}

// Caddy's own answers match only filters they can match: they have no key, model or target.
function caddyMatches(r: CaddyRefusal, q: Params, from?: number, to?: number): boolean {
  if (q.key || q.model || q.target) return false;
  if (q.id && r.id !== q.id) return false;
  if (q.status) {
    const cls = /^([1-5])xx$/i.exec(q.status);
    if (cls ? Math.floor(r.status / 100) !== Number(cls[1]) : Number(q.status) !== r.status) return false;
  }
  return (from === undefined || r.at >= from) && (to === undefined || r.at < to);
}

/** Registers the request search. */
export function registerRequestRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.get<{ Querystring: Params }>('/admin/api/requests', async (req) => {
    const q: Params = Object.fromEntries(PARAMS.map((k) => [k, req.query[k]?.trim() || undefined]));
    if (q.status && !STATUS.test(q.status))
      throw new InvalidRequestError('status must be a status code (429), a class (4xx) or 0 (client left).');
    const from = time(q.from);
    const to = time(q.to);
    const limit = Math.min(Math.max(Number(q.limit) || 200, 1), MAX_LIMIT);
    // A proxy that does not answer is when Caddy's own 502s and 503s matter most: they are
    // listed anyway, and the answer says the proxy's log could not be read.
    let answer: unknown;
    let unavailable: string | null = null;
    try {
      answer = await ctx.proxy.requests({ ...q, limit: String(limit) });
    } catch (err) {
      if (!(err instanceof ProxyCallError)) throw err;
      unavailable = err.message;
    }
    const proxy = isRecord(answer) ? answer : {};
    const records = (Array.isArray(proxy.records) ? proxy.records.filter(isRecord) : []).map(
      (r): Record<string, unknown> => ({ ...r, source: 'proxy' }),
    );
    const caddy = caddyRefusals(await tailJsonLines(ctx.renderEnv.logFile)).filter((r) => caddyMatches(r, q, from, to));
    const merged: { at?: unknown }[] = [...records, ...caddy];
    merged.sort((a, b) => Number(b.at) - Number(a.at));
    return {
      records: merged.slice(0, limit),
      matched: Number(proxy.matched ?? 0) + caddy.length,
      proxy: {
        capacity: proxy.capacity ?? null,
        held: proxy.held ?? null,
        oldestAt: proxy.oldestAt ?? null,
        since: proxy.since ?? null,
        unavailable,
      },
    };
  });
}
