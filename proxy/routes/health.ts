/**
 * `/healthz` (the process answers) and `/readyz` (config loaded, upstream credentials
 * obtainable). Both need a key — Caddy's health check sends the dedicated health key — and
 * both answer from memory: no token fetch, no upstream call, nothing billable.
 */
import type { FastifyInstance } from 'fastify';
import type { ProxyRuntime } from '../runtime.js';

/** Readiness as /readyz reports it. */
export function readiness(runtime: ProxyRuntime) {
  const snap = runtime.snapshot();
  const upstreams = runtime.credentials.states();
  const failing = Object.entries(upstreams).filter(([, s]) => s.state === 'error').map(([name]) => name);
  return {
    status: failing.length ? 'not_ready' : 'ready',
    config: { loadedAt: snap.loadedAt.toISOString(), models: snap.config.models.length, upstreams: snap.config.upstreams.length },
    upstreams,
    targets: runtime.targets.view(),
    ...(failing.length ? { reason: `credential failing for upstream(s): ${failing.join(', ')}` } : {}),
  };
}

/** Registers the health routes. */
export function registerHealthRoutes(app: FastifyInstance, runtime: ProxyRuntime): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (req, reply) => {
    const body = readiness(runtime);
    // Client keys learn only whether the gateway is ready; identities, expiries and Azure's
    // error texts are for operators (the health key, or the internal listener).
    const visible = req.caller?.kind === 'health' ? body : { status: body.status };
    return reply.code(body.status === 'ready' ? 200 : 503).send(visible);
  });
}
