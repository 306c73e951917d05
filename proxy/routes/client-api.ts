/**
 * The client API's routes, under OpenAI's prefix (`/v1`) and the two Azure shapes
 * (docs/azure-front.md): Foundry's v1 (`/openai/v1`), and the classic one — `/openai/…` for
 * calls that name no deployment (responses, files, batches, models) and
 * `/openai/deployments/{model}/…` for calls on a model, where the path names this gateway's
 * model id. Every prefix maps onto the same hubs, so keys, limits and usage are the same.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RouteKey } from '../../common/config/schema.js';
import { relay, type ClientCall } from '../relay/relay.js';
import { relayUpload } from '../relay/upload-relay.js';
import type { ProxyRuntime } from '../runtime.js';
import { clientApiVersion } from '../targets/api-version.js';
import { registerModelRoutes } from './models.js';
import { registerResponseFollowUps } from './response-follow-ups.js';
import { registerFileRoutes, registerFileUpload } from './files.js';
import { registerBatchRoutes } from './batches.js';

/** The prefixes the API is served under. */
export const CLIENT_API_PREFIXES = ['/v1', '/openai/v1', '/openai'] as const;

/** POST routes with a JSON body on a model. */
const JSON_ROUTES: readonly RouteKey[] = [
  'chat/completions',
  'completions',
  'responses',
  'images/generations',
  'embeddings',
  'audio/speech',
];
/** POST routes with a multipart body on a model. */
const UPLOAD_ROUTES: readonly RouteKey[] = [
  'audio/transcriptions',
  'audio/translations',
  'images/edits',
  'images/variations',
];

type CallRequest = FastifyRequest<{ Params: { deployment?: string } }>;

function clientCall(req: CallRequest): ClientCall {
  return { pathModel: req.params.deployment, apiVersion: clientApiVersion(req.query) };
}

// Multipart bodies are handed on unread, as the stream the request guard counts (the limit is
// enforced while the upload streams through); only the routes registered here accept them.
function acceptUploads(scope: FastifyInstance): void {
  scope.addContentTypeParser('multipart/form-data', (_req, payload, done) => done(null, payload as Readable));
}

function modelRoutes(
  scope: FastifyInstance,
  runtime: ProxyRuntime,
  routes: readonly RouteKey[],
  fileUploads: boolean,
): void {
  for (const route of routes)
    scope.post(`/${route}`, (req: CallRequest, reply) => relay(runtime, route, req, reply, clientCall(req)));
  void scope.register(async (uploads) => {
    acceptUploads(uploads);
    for (const route of UPLOAD_ROUTES)
      uploads.post(`/${route}`, (req: CallRequest, reply) => relayUpload(runtime, route, req, reply, clientCall(req)));
    if (fileUploads) registerFileUpload(uploads, runtime);
  });
}

/** Registers the client API under every prefix. */
export function registerClientApi(app: FastifyInstance, runtime: ProxyRuntime): void {
  for (const prefix of CLIENT_API_PREFIXES) {
    void app.register(
      async (scope) => {
        modelRoutes(scope, runtime, JSON_ROUTES, true);
        registerModelRoutes(scope, runtime);
        registerResponseFollowUps(scope, runtime);
        registerFileRoutes(scope, runtime);
        registerBatchRoutes(scope, runtime);
      },
      { prefix },
    );
  }
  // Azure's deployment paths: the model is the path's; Responses has no such path.
  void app.register(
    async (scope) => {
      modelRoutes(
        scope,
        runtime,
        JSON_ROUTES.filter((r) => r !== 'responses'),
        false,
      );
      // AzureOpenAI sends batches here when it is bound to a deployment; a batch names none.
      registerBatchRoutes(scope, runtime);
    },
    { prefix: '/openai/deployments/:deployment' },
  );
}
