/**
 * Teams: `GET /admin/api/teams` (with member keys, quota use, spend and budget alerts),
 * `POST` to create one, `PATCH /admin/api/teams/{id}` to change its label, limits or budget, and
 * `DELETE` for a team no key belongs to. Changes go through the apply transaction.
 */
import type { FastifyInstance } from 'fastify';
import { parseNewTeam, parseTeamEdit, withNewTeam, withTeamDeleted, withTeamEdited } from '../config/team-edits.js';
import { readStored, saveEdited } from '../config/saves.js';
import type { AdminContext } from '../context.js';
import { isRecord } from '../http-call.js';
import { sendSaved } from './config.js';
import { governanceView, scopeUsage } from './governance-view.js';
import { auditedSave } from './keys.js';

/** Registers the team routes. */
export function registerTeamRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.get('/admin/api/teams', async () => {
    const stored = await readStored(ctx.store);
    const raw = isRecord(stored.raw) ? stored.raw : {};
    const teams = Array.isArray(raw.teams) ? raw.teams.filter(isRecord) : [];
    const keys = Array.isArray(raw.apiKeys) ? raw.apiKeys.filter(isRecord) : [];
    const view = await governanceView(ctx);
    return {
      data: teams.map((t) => ({
        ...t,
        keys: keys.filter((k) => k.team === t.id).map((k) => String(k.id)),
        ...(view
          ? {
              usage: scopeUsage(view, `team:${String(t.id)}`),
              alerts: view.alerts.filter((a) => a.scope === `team:${String(t.id)}`),
            }
          : {}),
      })),
    };
  });

  app.post('/admin/api/teams', async (req, reply) => {
    const fields = parseNewTeam(req.body);
    const result = await saveEdited(
      ctx.applier,
      ctx.store,
      (storedRaw) => withNewTeam(storedRaw, fields),
      auditedSave(req),
    );
    req.auditDetails = { teamId: fields.id };
    return sendSaved(reply, result, { ...fields }, 201);
  });

  app.patch<{ Params: { id: string } }>('/admin/api/teams/:id', async (req, reply) => {
    const changes = parseTeamEdit(req.body);
    const result = await saveEdited(
      ctx.applier,
      ctx.store,
      (storedRaw) => withTeamEdited(storedRaw, req.params.id, changes),
      auditedSave(req),
    );
    return sendSaved(reply, result, { id: req.params.id });
  });

  app.delete<{ Params: { id: string } }>('/admin/api/teams/:id', async (req, reply) => {
    const result = await saveEdited(
      ctx.applier,
      ctx.store,
      (storedRaw) => withTeamDeleted(storedRaw, req.params.id),
      auditedSave(req),
    );
    return sendSaved(reply, result, { id: req.params.id, deleted: true });
  });
}
