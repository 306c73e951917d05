/**
 * The config itself: `GET/PUT /admin/api/config` (secrets masked; ETag and If-Match),
 * `GET /admin/api/schema`, and `POST /admin/api/reload` (re-apply the file as it is on disk).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ConfigSchema } from '../../common/config/schema.js';
import { maskSecrets } from '../config/secrets.js';
import { maskedConfigDiff } from '../audit/masked-diff.js';
import { unmaskIncoming } from '../config/edit.js';
import { readStored, reapplyStored, saveEdited, type SaveResult } from '../config/saves.js';
import type { AdminContext } from '../context.js';
import { ConfigUnreadableError, RoleRefusedError, withBody } from '../errors.js';
import { outOfScopeChanges } from '../identity/config-scope.js';
import { breakGlassIssues } from '../identity/break-glass.js';
import { invalidConfig } from '../config/edit.js';

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}

/** Sends a save's result with the new ETag. */
export function sendSaved(
  reply: FastifyReply,
  result: SaveResult,
  extra: Record<string, unknown> = {},
  status = 200,
): FastifyReply {
  return reply
    .code(status)
    .header('etag', result.etag)
    .send({ ...extra, ...result });
}

/** Registers the config routes. */
export function registerConfigRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.get('/admin/api/config', async (_req, reply) => {
    const stored = await readStored(ctx.store);
    if (stored.raw === undefined) {
      const problem = `config.json is not valid JSON (${stored.parseError ?? ''})`;
      // Show the last good config (what the proxy serves meanwhile) with the broken file's ETag:
      // saving it, edited or not, repairs the file.
      const good = await ctx.store.readLastGood();
      if (good) {
        return reply
          .header('etag', stored.etag)
          .header('cache-control', 'no-store')
          .header('x-config-source', 'last-good')
          .header('warning', `199 - "${problem}; this is the last good config: save it to repair the file"`)
          .send(maskSecrets(good.raw));
      }
      throw withBody(
        new ConfigUnreadableError(`${problem}; fix the file, or PUT a whole config with this ETag.`),
        {},
        { etag: stored.etag },
      );
    }
    return reply.header('etag', stored.etag).header('cache-control', 'no-store').send(maskSecrets(stored.raw));
  });

  app.put('/admin/api/config', async (req, reply) => {
    const body: unknown = req.body;
    const role = req.principal?.role ?? 'viewer';
    const ownerIssuers = await ctx.identity.ownerIssuers();
    const edit = (storedRaw: unknown): unknown => {
      const next = unmaskIncoming(body, storedRaw);
      const outside = outOfScopeChanges(role, storedRaw, next);
      if (outside.length)
        throw withBody(new RoleRefusedError('Your role may not change parts of this config; see issues.'), {
          issues: outside,
        });
      const glass = breakGlassIssues(storedRaw, next, ownerIssuers);
      if (glass.length) invalidConfig(glass, 'The local admin account cannot be turned off yet; see issues.');
      return next;
    };
    const result = await saveEdited(ctx.applier, ctx.store, edit, {
      ifMatch: header(req.headers['if-match']),
      requireIfMatch: true,
      onApplied: (before, after) => {
        req.auditChanges = maskedConfigDiff(before, after);
      },
      staging: ctx.staging,
      openedOn: req.headers.host,
    });
    return sendSaved(reply, result);
  });

  app.get('/admin/api/schema', async (_req, reply) => reply.header('cache-control', 'no-cache').send(ConfigSchema));

  app.post('/admin/api/reload', async (_req, reply) => sendSaved(reply, await reapplyStored(ctx.applier, ctx.store)));
}
