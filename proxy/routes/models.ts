/** `GET /models` and `/models/{id}` under each client API prefix: the configured models, as OpenAI lists them. */
import type { FastifyInstance } from 'fastify';
import { ModelNotFoundError } from '../errors.js';
import type { CatalogModel } from '../targets/model-catalog.js';
import type { ProxyRuntime } from '../runtime.js';
import { clientKeyOf, mayUseModel } from '../access/request-guard.js';
import { snapshotOf } from '../snapshot.js';

function modelObject(m: CatalogModel) {
  return { id: m.entry.id, object: 'model', created: m.created, owned_by: m.ownedBy };
}

/** Registers the model listing routes (relative to the scope's prefix). */
export function registerModelRoutes(app: FastifyInstance, runtime: ProxyRuntime): void {
  app.get('/models', async (req) => {
    const key = clientKeyOf(req);
    const data = snapshotOf(req, runtime)
      .catalog.list()
      .filter((m) => mayUseModel(key, m.entry.id))
      .map(modelObject);
    return { object: 'list', data };
  });
  app.get<{ Params: { id: string } }>('/models/:id', async (req) => {
    const key = clientKeyOf(req);
    const model = snapshotOf(req, runtime).catalog.get(req.params.id);
    // A model the key may not use is reported like a missing one, as OpenAI does.
    if (!model || !mayUseModel(key, model.entry.id)) throw new ModelNotFoundError(req.params.id);
    return modelObject(model);
  });
}
