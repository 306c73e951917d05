/**
 * Read-only views for the UI and scripts: usage statistics (JSON, or CSV with spend) and upstream
 * targets (from the proxy's
 * internal listener) and recent logs, the proxy's from `/internal/logs` and Caddy's from the tail
 * of RUN_DIR/caddy.log.
 */
import type { FastifyInstance } from 'fastify';
import { filterLines, levelNumber, tailJsonLines } from '../caddy/log.js';
import { secretValues } from '../config/secrets.js';
import { readStored } from '../config/saves.js';
import type { AdminContext } from '../context.js';
import { InvalidRequestError, ProxyUnavailableError } from '../errors.js';
import { ProxyCallError } from '../proxy-client.js';
import { redactDeep } from '../config/redact.js';
import { isRecord } from '../http-call.js';
import { usageCsv } from '../usage-csv.js';

const STATS_PARAMS = ['from', 'to', 'model', 'key', 'target', 'resolution'] as const;
const MAX_LINES = 2000;

interface LogsQuery {
  source?: string;
  limit?: string;
  level?: string;
  q?: string;
}

async function fromProxy<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ProxyCallError) throw new ProxyUnavailableError(err.message);
    throw err;
  }
}

/** Registers the usage, targets and logs routes. */
export function registerObserveRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.get<{ Querystring: Record<string, string | undefined> }>('/admin/api/usage', async (req, reply) => {
    const query = Object.fromEntries(STATS_PARAMS.map((k) => [k, req.query[k]]));
    if (req.query.format === 'csv') {
      const [answer, stored] = await Promise.all([
        fromProxy(() => ctx.proxy.statsRows(query)),
        readStored(ctx.store).catch(() => undefined),
      ]);
      const raw = isRecord(stored?.raw) ? stored.raw : {};
      const teams = new Map(
        (Array.isArray(raw.apiKeys) ? raw.apiKeys.filter(isRecord) : []).map((k) => [
          String(k.id),
          typeof k.team === 'string' ? k.team : undefined,
        ]),
      );
      const currency = isRecord(raw.server) && typeof raw.server.currency === 'string' ? raw.server.currency : 'USD';
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="usage.csv"')
        .send(usageCsv(isRecord(answer) ? answer.rows : [], (id) => teams.get(id), currency));
    }
    if (req.query.format !== undefined && req.query.format !== 'json')
      throw new InvalidRequestError('format must be "json" or "csv".');
    return fromProxy(() => ctx.proxy.stats(query));
  });

  app.get('/admin/api/targets', async () => fromProxy(() => ctx.proxy.targets()));

  app.get<{ Querystring: LogsQuery }>('/admin/api/logs', async (req) => {
    const source = req.query.source ?? 'proxy';
    const limit = Math.min(Math.max(Number(req.query.limit) || 200, 1), MAX_LINES);
    const minLevel = req.query.level
      ? levelNumber(/^\d+$/.test(req.query.level) ? Number(req.query.level) : req.query.level)
      : undefined;
    if (req.query.level && minLevel === undefined)
      throw new InvalidRequestError('level must be one of debug, info, warn, error, fatal or a pino level number.');
    const q = req.query.q || undefined;
    if (source === 'proxy') {
      return {
        source,
        ...((await fromProxy(() =>
          ctx.proxy.logs({ limit: String(limit), level: minLevel === undefined ? undefined : String(minLevel), q }),
        )) as object),
      };
    }
    if (source === 'caddy') {
      const stored = await readStored(ctx.store).catch(() => undefined);
      const lines = filterLines(await tailJsonLines(ctx.renderEnv.logFile), { limit, minLevel, contains: q });
      // Caddy's access log has request headers; cut out any secret value that made it there.
      return { source, file: ctx.renderEnv.logFile, lines: redactDeep(lines, secretValues(stored?.raw)) };
    }
    throw new InvalidRequestError('source must be "proxy" or "caddy".');
  });
}
