/**
 * Loopback-only endpoints on the internal listener: reload (the admin service calls it after
 * writing config.json), usage statistics as JSON, upstream target state, recent logs, and
 * Prometheus metrics.
 */
import type { FastifyInstance } from 'fastify';
import type { ProxyRuntime } from '../runtime.js';
import type { LogRing } from '../observe/log-ring.js';
import { readiness } from '../observe/readiness.js';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus, type GaugeSample } from '../observe/metrics-text.js';
import { governanceGauges } from '../governance/metrics.js';

interface StatsQuery {
  from?: string;
  to?: string;
  model?: string;
  key?: string;
  target?: string;
  resolution?: 'minute' | 'hour' | 'auto';
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : Date.parse(v) || undefined;
}

/** Registers the internal routes. */
export function registerInternalRoutes(app: FastifyInstance, runtime: ProxyRuntime, logs: LogRing): void {
  app.post('/internal/reload', async (_req, reply) => {
    const result = await runtime.reload();
    return reply.code(result.status === 'invalid' ? 400 : 200).send(result);
  });
  app.get<{ Querystring: StatsQuery }>('/internal/stats', async (req) => {
    const q = req.query;
    const resolution = q.resolution === 'minute' || q.resolution === 'hour' ? q.resolution : 'auto';
    return runtime.usage.snapshot({
      from: num(q.from),
      to: num(q.to),
      model: q.model || undefined,
      keyId: q.key || undefined,
      target: q.target,
      resolution,
    });
  });
  // The same buckets as rows per series, for the admin's CSV export.
  app.get<{ Querystring: StatsQuery }>('/internal/stats/rows', async (req) => {
    const q = req.query;
    const resolution = q.resolution === 'minute' || q.resolution === 'hour' ? q.resolution : 'auto';
    return {
      rows: runtime.usage.rows({
        from: num(q.from),
        to: num(q.to),
        model: q.model || undefined,
        keyId: q.key || undefined,
        target: q.target,
        resolution,
      }),
    };
  });
  // Quota use, spend, last use of keys and budget alerts, for the admin service.
  app.get('/internal/governance', async () => runtime.governance.view());
  app.get('/internal/targets', async () => ({
    ...readiness(runtime),
    streamOptionsRejectedBy: [...runtime.noStreamOptions],
  }));
  app.get<{ Querystring: { limit?: string; level?: string; q?: string } }>('/internal/logs', async (req) => ({
    lines: logs.recent({
      limit: Math.min(Number(req.query.limit) || 200, 2000),
      minLevel: Number(req.query.level) || undefined,
      contains: req.query.q || undefined,
    }),
  }));
  app.get('/metrics', async (_req, reply) => {
    const states = runtime.credentials.states();
    const gauges: GaugeSample[] = Object.entries(states).map(([upstream, s]) => ({
      name: 'gateway_upstream_credential_ok',
      help: 'Whether the upstream credential last worked (1) or failed (0)',
      labels: { upstream },
      value: s.state === 'error' ? 0 : 1,
    }));
    gauges.push(...governanceGauges(runtime.governance.view(), runtime.snapshot().config));
    return reply.type(PROMETHEUS_CONTENT_TYPE).send(renderPrometheus(runtime.usage, { gauges }));
  });
}
