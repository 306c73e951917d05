/**
 * The staged domain, TLS or port change (docs/admin-api.md, "Staged changes"): its status with the
 * time left, and the operator's confirm or cancel.
 */
import type { FastifyInstance } from 'fastify';
import type { AdminContext } from '../context.js';

/** Registers `GET /admin/api/staged-change` and its `confirm` and `cancel` actions. */
export function registerStagedChangeRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const view = () => {
    const change = ctx.staging.changes.current() ?? null;
    const now = Date.now();
    const remainingMs = change?.state === 'pending' ? Math.max(0, Date.parse(change.deadline) - now) : 0;
    return { change, now: new Date(now).toISOString(), remainingMs };
  };
  app.get('/admin/api/staged-change', async (_req, reply) => reply.header('cache-control', 'no-store').send(view()));
  app.post('/admin/api/staged-change/confirm', async (req) => {
    await ctx.staging.changes.confirm(req.headers.host);
    return view();
  });
  app.post('/admin/api/staged-change/cancel', async () => {
    await ctx.staging.changes.cancel();
    return view();
  });
}
