/**
 * Client keys: list them (no secrets), create one (returned in clear exactly once; only its hash
 * is stored), revoke one. Each change goes through the same apply transaction as a PUT of the
 * config; If-Match is honoured when sent but not required, the change is made on the latest config.
 */
import type { FastifyInstance } from 'fastify';
import { hashClientKey } from '../../common/key-hash.js';
import { randomSecret } from '../../common/password-hash.js';
import { parseNewKeyRequest, withKeyDisabled, withNewKey } from '../config/edit.js';
import { readStored, saveEdited } from '../config/saves.js';
import type { AdminContext } from '../context.js';
import { isRecord } from '../http-call.js';
import { sendSaved } from './config.js';

/** Prefix of keys made by the admin service, so a leaked one is recognisable (secret scanners). */
export const CLIENT_KEY_PREFIX = 'sk-gw-';

function ifMatchOf(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}

/** Registers the key routes. */
export function registerKeyRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.get('/admin/api/keys', async () => {
    const stored = await readStored(ctx.store);
    const keys = isRecord(stored.raw) && Array.isArray(stored.raw.apiKeys) ? stored.raw.apiKeys.filter(isRecord) : [];
    return { data: keys.map(({ id, status, label, models, createdAt }) => ({ id, status: status ?? 'active', label, models, createdAt })) };
  });

  app.post('/admin/api/keys', async (req, reply) => {
    const request = parseNewKeyRequest(req.body);
    const key = randomSecret(CLIENT_KEY_PREFIX);
    let id = '';
    const result = await saveEdited(
      ctx.applier,
      ctx.store,
      (storedRaw) => {
        const next = withNewKey(storedRaw, request, hashClientKey(key));
        id = next.id;
        return next.raw;
      },
      { ifMatch: ifMatchOf(req.headers['if-match']), requireIfMatch: false },
    );
    ctx.log.info({ keyId: id }, 'client key created');
    return sendSaved(reply, result, { id, key, status: 'active', label: request.label, models: request.models }, 201);
  });

  const revoke = async (id: string, ifMatch: string | undefined) => {
    const result = await saveEdited(ctx.applier, ctx.store, (storedRaw) => withKeyDisabled(storedRaw, id), { ifMatch, requireIfMatch: false });
    ctx.log.info({ keyId: id }, 'client key revoked');
    return result;
  };
  app.post<{ Params: { id: string } }>('/admin/api/keys/:id/revoke', async (req, reply) =>
    sendSaved(reply, await revoke(req.params.id, ifMatchOf(req.headers['if-match'])), { id: req.params.id, status: 'disabled' }),
  );
  app.delete<{ Params: { id: string } }>('/admin/api/keys/:id', async (req, reply) =>
    sendSaved(reply, await revoke(req.params.id, ifMatchOf(req.headers['if-match'])), { id: req.params.id, status: 'disabled' }),
  );
}
