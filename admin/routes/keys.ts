/**
 * Client keys: list them (no secrets; with team, owner, tags, expiry, limits, budget, last use
 * and spend), create one (returned in clear exactly once; only its hash is stored), change one,
 * rotate its secret with a grace period, revoke one. Each change goes through the same apply
 * transaction as a PUT of the config; If-Match is honoured when sent but not required.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hashClientKey } from '../../common/key-hash.js';
import { randomSecret } from '../../common/password-hash.js';
import {
  parseGraceSeconds,
  parseKeyEdit,
  parseNewKey,
  withKeyDisabled,
  withKeyEdited,
  withKeyRotated,
  withNewKey,
  KEY_METADATA_FIELDS,
} from '../config/key-edits.js';
import { readStored, saveEdited, type SaveOptions } from '../config/saves.js';
import { maskedConfigDiff } from '../audit/masked-diff.js';
import type { AdminContext } from '../context.js';
import { isRecord } from '../http-call.js';
import { sendSaved } from './config.js';
import { governanceView, scopeUsage } from './governance-view.js';

/** Prefix of keys made by the admin service, so a leaked one is recognisable (secret scanners). */
export const CLIENT_KEY_PREFIX = 'sk-gw-';

const LISTED = ['id', 'status', 'createdAt', ...KEY_METADATA_FIELDS] as const;

function ifMatchOf(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}

/** Save options of a key or team endpoint: If-Match optional, the change recorded for the audit log. */
export function auditedSave(req: FastifyRequest): SaveOptions {
  return {
    ifMatch: ifMatchOf(req.headers['if-match']),
    requireIfMatch: false,
    onApplied: (before, after) => {
      req.auditChanges = maskedConfigDiff(before, after);
    },
  };
}

/** Registers the key routes. */
export function registerKeyRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.get('/admin/api/keys', async () => {
    const stored = await readStored(ctx.store);
    const keys = isRecord(stored.raw) && Array.isArray(stored.raw.apiKeys) ? stored.raw.apiKeys.filter(isRecord) : [];
    const view = await governanceView(ctx);
    const now = Date.now();
    return {
      data: keys.map((k) => {
        const listed: Record<string, unknown> = Object.fromEntries(
          LISTED.filter((f) => k[f] !== undefined).map((f) => [f, k[f]]),
        );
        listed.status ??= 'active';
        listed.expired = typeof k.expiresAt === 'string' && Date.parse(k.expiresAt) <= now;
        const previous = Array.isArray(k.previousKeys) ? k.previousKeys.filter(isRecord) : [];
        const graceUntil = previous
          .map((p) => String(p.validUntil))
          .filter((v) => Date.parse(v) > now)
          .sort()
          .pop();
        if (graceUntil) listed.previousSecretValidUntil = graceUntil;
        if (view) {
          listed.lastUsed = view.lastUsed[String(k.id)] ?? null;
          listed.usage = scopeUsage(view, `key:${String(k.id)}`);
        }
        return listed;
      }),
    };
  });

  app.post('/admin/api/keys', async (req, reply) => {
    const fields = parseNewKey(req.body);
    const key = randomSecret(CLIENT_KEY_PREFIX);
    let id = '';
    const result = await saveEdited(
      ctx.applier,
      ctx.store,
      (storedRaw) => {
        const next = withNewKey(storedRaw, fields, hashClientKey(key));
        id = next.id;
        return next.raw;
      },
      auditedSave(req),
    );
    req.auditDetails = { keyId: id };
    ctx.log.info({ keyId: id }, 'client key created');
    const { id: _id, ...rest } = fields;
    return sendSaved(reply, result, { id, key, status: 'active', ...rest }, 201);
  });

  app.patch<{ Params: { id: string } }>('/admin/api/keys/:id', async (req, reply) => {
    const changes = parseKeyEdit(req.body);
    const result = await saveEdited(
      ctx.applier,
      ctx.store,
      (storedRaw) => withKeyEdited(storedRaw, req.params.id, changes),
      auditedSave(req),
    );
    ctx.log.info({ keyId: req.params.id, fields: Object.keys(changes) }, 'client key changed');
    return sendSaved(reply, result, { id: req.params.id });
  });

  app.post<{ Params: { id: string } }>('/admin/api/keys/:id/rotate', async (req, reply) => {
    const graceSeconds = parseGraceSeconds(req.body);
    const key = randomSecret(CLIENT_KEY_PREFIX);
    let validUntil: string | undefined;
    const result = await saveEdited(
      ctx.applier,
      ctx.store,
      (storedRaw) => {
        const next = withKeyRotated(storedRaw, req.params.id, hashClientKey(key), graceSeconds);
        validUntil = next.validUntil;
        return next.raw;
      },
      auditedSave(req),
    );
    req.auditDetails = { graceSeconds, previousSecretValidUntil: validUntil ?? null };
    ctx.log.info({ keyId: req.params.id, graceSeconds }, 'client key rotated');
    return sendSaved(reply, result, { id: req.params.id, key, previousSecretValidUntil: validUntil ?? null });
  });

  const revoke = async (req: FastifyRequest<{ Params: { id: string } }>) => {
    const result = await saveEdited(
      ctx.applier,
      ctx.store,
      (storedRaw) => withKeyDisabled(storedRaw, req.params.id),
      auditedSave(req),
    );
    ctx.log.info({ keyId: req.params.id }, 'client key revoked');
    return result;
  };
  app.post<{ Params: { id: string } }>('/admin/api/keys/:id/revoke', async (req, reply) =>
    sendSaved(reply, await revoke(req), { id: req.params.id, status: 'disabled' }),
  );
  app.delete<{ Params: { id: string } }>('/admin/api/keys/:id', async (req, reply) =>
    sendSaved(reply, await revoke(req), { id: req.params.id, status: 'disabled' }),
  );
}
