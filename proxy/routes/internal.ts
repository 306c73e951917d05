/**
 * Loopback-only endpoints on the internal listener: reload (the admin service calls it after
 * writing config.json), usage statistics as JSON (summed over replicas with shared state),
 * upstream target state, recent logs, and Prometheus metrics (this replica's own counters).
 */
import type { FastifyInstance } from 'fastify';
import type { ProxyRuntime } from '../runtime.js';
import type { LogRing } from '../observe/log-ring.js';
import { readiness } from '../observe/readiness.js';
import { PROMETHEUS_CONTENT_TYPE, type GaugeSample } from '../observe/prometheus.js';
import { governanceGauges } from '../governance/metrics.js';
import { withExactLatency } from '../usage/exact-latency.js';
import type { UsageQuery } from '../usage/stats.js';
import { poolSamples } from '../upstream/pool-metrics.js';

interface StatsQuery {
  from?: string;
  to?: string;
  model?: string;
  key?: string;
  target?: string;
  resolution?: 'minute' | 'hour' | 'auto';
}

interface RequestsQuery {
  id?: string;
  key?: string;
  model?: string;
  target?: string;
  status?: string;
  from?: string;
  to?: string;
  limit?: string;
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : Date.parse(v) || undefined;
}

function usageQuery(q: StatsQuery): UsageQuery {
  const resolution = q.resolution === 'minute' || q.resolution === 'hour' ? q.resolution : 'auto';
  return {
    from: num(q.from),
    to: num(q.to),
    model: q.model || undefined,
    keyId: q.key || undefined,
    target: q.target,
    resolution,
  };
}

/** Registers the internal routes. */
export function registerInternalRoutes(app: FastifyInstance, runtime: ProxyRuntime, logs: LogRing): void {
  app.post('/internal/reload', async (_req, reply) => {
    const result = await runtime.reload();
    return reply.code(result.status === 'invalid' ? 400 : 200).send(result);
  });
  app.get<{ Querystring: StatsQuery }>('/internal/stats', async (req) => {
    const query = usageQuery(req.query);
    return withExactLatency((await runtime.usageView(query)).snapshot(query), runtime.requests, query);
  });
  // The request log: every client request of this process, newest first (docs/usage-and-metrics.md, "Request log").
  app.get<{ Querystring: RequestsQuery }>('/internal/requests', async (req) => {
    const q = req.query;
    return runtime.requests.search({
      id: q.id || undefined,
      keyId: q.key || undefined,
      model: q.model || undefined,
      target: q.target || undefined,
      status: q.status || undefined,
      from: num(q.from),
      to: num(q.to),
      limit: Math.min(Math.max(Number(q.limit) || 200, 1), runtime.requests.capacity),
    });
  });
  // The same buckets as rows per series, for the admin's CSV export.
  app.get<{ Querystring: StatsQuery }>('/internal/stats/rows', async (req) => {
    const query = usageQuery(req.query);
    return { rows: (await runtime.usageView(query)).rows(query) };
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
    gauges.push(...governanceGauges(runtime.governance.view(), runtime.snapshot().config), ...runtime.shared.gauges());
    gauges.push(...poolSamples(runtime.dispatcher()));
    return reply.type(PROMETHEUS_CONTENT_TYPE).send(await runtime.prometheus.render(gauges));
  });
}
