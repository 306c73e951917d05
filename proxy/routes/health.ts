/**
 * `/healthz` (the process answers) and `/readyz` (config loaded, upstream credentials
 * obtainable). Both need a key — Caddy's health check sends the dedicated health key — and
 * both answer from memory: no token fetch, no upstream call, nothing billable.
 */
import type { FastifyInstance } from 'fastify';
import type { ProxyRuntime } from '../runtime.js';
import { readiness } from '../observe/readiness.js';

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
