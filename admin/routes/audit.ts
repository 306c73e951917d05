/** `GET /admin/api/audit?limit=N`: the newest audit entries and whether the hash chain is intact. */
import type { FastifyInstance } from 'fastify';
import type { AdminContext } from '../context.js';

const DEFAULT_LIMIT = 200;
const MAX_LIMIT = 5000;

/** Registers the audit route. */
export function registerAuditRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.get<{ Querystring: { limit?: string } }>('/admin/api/audit', async (req) => {
    const limit = Math.min(Math.max(Number(req.query.limit) || DEFAULT_LIMIT, 1), MAX_LIMIT);
    return ctx.audit.read(limit);
  });
}
