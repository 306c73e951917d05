/** `GET /v1/models` and `/v1/models/{id}`: the configured models, as OpenAI lists them. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HealthKeyOnlyError, ModelNotFoundError } from '../errors.js';
import type { CatalogModel } from '../targets/model-catalog.js';
import type { ProxyRuntime } from '../runtime.js';

function modelObject(m: CatalogModel) {
  return { id: m.entry.id, object: 'model', created: m.created, owned_by: m.ownedBy };
}

function allowedFor(req: FastifyRequest): (id: string) => boolean {
  const caller = req.caller;
  if (!caller || caller.kind !== 'client') throw new HealthKeyOnlyError();
  const allow = caller.entry.models;
  return allow ? (id) => allow.includes(id) : () => true;
}

/** Registers the model listing routes. */
export function registerModelRoutes(app: FastifyInstance, runtime: ProxyRuntime): void {
  app.get('/v1/models', async (req) => {
    const allowed = allowedFor(req);
    const data = runtime.snapshot().catalog.list().filter((m) => allowed(m.entry.id)).map(modelObject);
    return { object: 'list', data };
  });
  app.get<{ Params: { id: string } }>('/v1/models/:id', async (req) => {
    const allowed = allowedFor(req);
    const model = runtime.snapshot().catalog.get(req.params.id);
    // A model the key may not use is reported like a missing one, as OpenAI does.
    if (!model || !allowed(model.entry.id)) throw new ModelNotFoundError(req.params.id);
    return modelObject(model);
  });
}
