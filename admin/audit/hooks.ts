/**
 * What goes into the audit log, taken where every admin request ends: each change (config apply,
 * key and team changes) with its outcome status and a masked diff, each login (the first
 * successful request of a user from an address in half an hour: HTTP Basic has no sessions), and
 * each failed login. Read-only requests are not recorded.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { basicCredentials } from '../auth/admin-auth.js';
import { bearerToken } from '../identity/admin-tokens.js';
import type { AuditLog } from './audit-log.js';
import type { ConfigChange } from './config-diff.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** What the request changed in the config, for its audit entry. */
    auditChanges?: { changes: ConfigChange[]; total: number };
    /** Extra facts for the audit entry (never secrets). */
    auditDetails?: Record<string, unknown>;
  }
}

/** A user seen again from the same address within this is the same login. */
export const LOGIN_SESSION_MS = 30 * 60_000;

const ACTIONS: Record<string, string> = {
  'PUT /admin/api/config': 'config.apply',
  'POST /admin/api/reload': 'config.reapply',
  'POST /admin/api/keys': 'key.create',
  'PATCH /admin/api/keys/:id': 'key.update',
  'POST /admin/api/keys/:id/rotate': 'key.rotate',
  'POST /admin/api/keys/:id/revoke': 'key.revoke',
  'DELETE /admin/api/keys/:id': 'key.revoke',
  'POST /admin/api/teams': 'team.create',
  'PATCH /admin/api/teams/:id': 'team.update',
  'DELETE /admin/api/teams/:id': 'team.delete',
  'POST /admin/api/tokens': 'token.create',
  'DELETE /admin/api/tokens/:id': 'token.revoke',
  'PUT /admin/api/identity': 'identity.update',
  'POST /admin/api/staged-change/confirm': 'staged.confirm',
  'POST /admin/api/staged-change/cancel': 'staged.cancel',
};

function actorOf(req: FastifyRequest): string {
  return req.adminUser ?? 'local (admin auth disabled)';
}

function targetOf(req: FastifyRequest): string | undefined {
  const params = req.params as Record<string, unknown> | undefined;
  const id = params?.id ?? params?.name;
  return typeof id === 'string' ? id : undefined;
}

/** Records changes, logins and failed logins of `app` in `audit`. */
export function registerAudit(app: FastifyInstance, audit: AuditLog): void {
  const seen = new Map<string, number>();
  app.addHook('onResponse', async (req, reply) => {
    const status = reply.statusCode;
    if (status === 401 && basicCredentials(req.headers.authorization)) {
      // The user name is not recorded: a mistyped login often puts the password there.
      await audit.append({ actor: '(failed login)', ip: req.ip, action: 'login.failed', outcome: status });
      return;
    }
    if (status === 401 && bearerToken(req.headers.authorization) !== undefined) {
      await audit.append({ actor: '(refused token)', ip: req.ip, action: 'token.refused', outcome: status });
      return;
    }
    if (status === 403 && req.principal) {
      await audit.append({
        actor: actorOf(req),
        ip: req.ip,
        action: 'role.refused',
        target: `${req.method} ${req.routeOptions.url ?? req.url.split('?')[0] ?? ''}`,
        outcome: status,
      });
      return;
    }
    // HTTP Basic has no sessions: a local login is its first request from an address in a while.
    // (An Entra ID sign-in is recorded by its callback; a token's use by the changes it makes.)
    if (req.principal?.kind === 'local' && req.adminUser !== undefined && status < 400) {
      const id = `${req.adminUser}\0${req.ip}`;
      const last = seen.get(id);
      const now = Date.now();
      seen.set(id, now);
      if (last === undefined || now - last > LOGIN_SESSION_MS)
        await audit.append({ actor: req.adminUser, ip: req.ip, action: 'login', outcome: status });
      if (seen.size > 10_000) seen.clear();
    }
    const action = ACTIONS[`${req.method} ${req.routeOptions.url ?? ''}`];
    if (!action) return;
    const details: Record<string, unknown> = { ...req.auditDetails };
    if (req.auditChanges)
      Object.assign(details, { changes: req.auditChanges.changes, changeCount: req.auditChanges.total });
    await audit.append({
      actor: actorOf(req),
      ip: req.ip,
      action,
      target: targetOf(req),
      outcome: status,
      ...(Object.keys(details).length ? { details } : {}),
    });
  });
}
