/**
 * The Batch API — create, retrieve, cancel, list — on the resource that holds the batch's input
 * file: a batch is created where its `input_file_id` was uploaded (Azure can only read it there),
 * and its id, with the output and error files Azure makes for it, is pinned to that resource and
 * the caller's key (docs/azure-front.md, "Files and batches").
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidParameterError, UnknownBatchError, UnknownFileError } from '../errors.js';
import { clientKeyOf } from '../access/request-guard.js';
import { relayDirect } from '../relay/direct-call.js';
import type { ProxyRuntime } from '../runtime.js';
import { clientApiVersion } from '../targets/api-version.js';
import { collectionPath, followUpPath } from '../targets/follow-up-path.js';
import { ownedUpstream, pinObject } from '../targets/stored-objects.js';
import { listOwned, storeFor } from '../relay/object-store.js';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

async function create(runtime: ProxyRuntime, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const owner = clientKeyOf(req).id;
  const body = req.body;
  const fileId = body && typeof body === 'object' ? (body as { input_file_id?: unknown }).input_file_id : undefined;
  if (typeof fileId !== 'string' || fileId === '')
    throw InvalidParameterError('You must provide input_file_id.', 'input_file_id', 'missing_required_parameter');
  const upstream = await ownedUpstream(runtime.storedObjects, fileId, owner);
  if (upstream === undefined) throw Object.assign(new UnknownFileError(fileId), { param: 'input_file_id' });
  const store = await storeFor(runtime, req, 'batches', { upstream, id: fileId });
  const path = collectionPath(store.batches, req.url, clientApiVersion(req.query));
  await relayDirect(runtime, req, reply, {
    upstream: store.upstream,
    path,
    method: 'POST',
    deployment: '(batches)',
    body: req.rawBody ?? JSON.stringify(body),
    onJson: (batch) => pinObject(runtime.storedObjects, batch, store.upstream.name, owner),
  });
}

async function onBatch(
  runtime: ProxyRuntime,
  req: IdRequest,
  reply: FastifyReply,
  method: 'GET' | 'POST',
  action: string,
): Promise<void> {
  const owner = clientKeyOf(req).id;
  const id = req.params.id;
  const upstream = await ownedUpstream(runtime.storedObjects, id, owner);
  if (upstream === undefined) throw new UnknownBatchError(id);
  const store = await storeFor(runtime, req, 'batches', { upstream, id });
  const path = followUpPath(store.batches, id, action, req.url, clientApiVersion(req.query));
  // A finished batch names the output and error files Azure made: they become the caller's too.
  await relayDirect(runtime, req, reply, {
    upstream: store.upstream,
    path,
    method,
    deployment: '(batches)',
    body: method === 'POST' ? '{}' : undefined,
    onJson: (batch) => pinObject(runtime.storedObjects, batch, store.upstream.name, owner),
  });
}

/** Registers the Batch API routes (relative to the scope's prefix). */
export function registerBatchRoutes(app: FastifyInstance, runtime: ProxyRuntime): void {
  type R = { Params: { id: string } };
  app.post('/batches', (req, reply) => create(runtime, req, reply));
  app.get('/batches', (req, reply) => listOwned(runtime, req, reply, 'batches'));
  app.get<R>('/batches/:id', (req, reply) => onBatch(runtime, req, reply, 'GET', ''));
  app.post<R>('/batches/:id/cancel', (req, reply) => onBatch(runtime, req, reply, 'POST', '/cancel'));
}
