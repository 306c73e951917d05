/**
 * The staged domain, TLS or port change (docs/admin-api.md, "Staged changes"): its status with the
 * time left, and the operator's confirm or cancel.
 */
import type { FastifyInstance } from 'fastify';
import type { AdminContext } from '../context.js';
import { maskSecrets } from '../config/secrets.js';

function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

/** Registers `GET /admin/api/staged-change` and its `confirm` and `cancel` actions. */
export function registerStagedChangeRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const view = () => {
    const current = ctx.staging.changes.current();
    // The target may hold DNS-01 credentials: shown masked, like every secret of the config.
    const change = current
      ? { ...current, target: rec(rec(maskSecrets({ server: { caddy: current.target } })).server).caddy }
      : null;
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
