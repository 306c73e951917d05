/**
 * The Files API — upload, list, retrieve, content, delete — on the resource that stores the
 * gateway's files (`upstreams[].files`, else the first upstream). An upload is streamed through
 * byte for byte as it arrives; its id is pinned to that resource and to the caller's key, and
 * every later call on it goes back there (docs/azure-front.md, "Files and batches").
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UnknownFileError } from '../errors.js';
import { clientKeyOf } from '../access/request-guard.js';
import { relayDirect } from '../relay/direct-call.js';
import { listOwned, storeFor } from '../relay/object-store.js';
import { openUpload } from '../relay/upload-body.js';
import type { ProxyRuntime } from '../runtime.js';
import { clientApiVersion } from '../targets/api-version.js';
import { collectionPath, followUpPath } from '../targets/follow-up-path.js';
import { ownedUpstream, pinObject } from '../targets/stored-objects.js';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

async function upload(runtime: ProxyRuntime, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const owner = clientKeyOf(req).id;
  const body = openUpload(req);
  const store = await storeFor(runtime, req, 'files');
  const path = collectionPath(store.files, req.url, clientApiVersion(req.query));
  // The bytes go through unchanged, so the client's length stays true.
  const contentLength = typeof req.headers['content-length'] === 'string' ? req.headers['content-length'] : undefined;
  await body.send(() =>
    relayDirect(runtime, req, reply, {
      upstream: store.upstream,
      path,
      method: 'POST',
      deployment: '(files)',
      body: body.stream,
      contentType: body.contentType,
      contentLength,
      onJson: (file) => pinObject(runtime.storedObjects, file, store.upstream.name, owner),
    }),
  );
}

async function onFile(
  runtime: ProxyRuntime,
  req: IdRequest,
  reply: FastifyReply,
  method: 'GET' | 'DELETE',
  action: string,
): Promise<void> {
  const id = req.params.id;
  const upstream = await ownedUpstream(runtime.storedObjects, id, clientKeyOf(req).id);
  if (upstream === undefined) throw new UnknownFileError(id);
  const store = await storeFor(runtime, req, 'files', { upstream, id });
  const path = followUpPath(store.files, id, action, req.url, clientApiVersion(req.query));
  const exchange = await relayDirect(runtime, req, reply, {
    upstream: store.upstream,
    path,
    method,
    deployment: '(files)',
  });
  if (method === 'DELETE' && exchange.statusCode < 300) runtime.storedObjects.forget(id);
}

/** Registers the JSON routes of the Files API (relative to the scope's prefix). */
export function registerFileRoutes(app: FastifyInstance, runtime: ProxyRuntime): void {
  app.get('/files', (req, reply) => listOwned(runtime, req, reply, 'files'));
  app.get<{ Params: { id: string } }>('/files/:id', (req, reply) => onFile(runtime, req, reply, 'GET', ''));
  app.delete<{ Params: { id: string } }>('/files/:id', (req, reply) => onFile(runtime, req, reply, 'DELETE', ''));
  app.get<{ Params: { id: string } }>('/files/:id/content', (req, reply) =>
    onFile(runtime, req, reply, 'GET', '/content'),
  );
}

/** Registers the upload route (in the scope that reads multipart bodies as streams). */
export function registerFileUpload(app: FastifyInstance, runtime: ProxyRuntime): void {
  app.post('/files', (req, reply) => upload(runtime, req, reply));
}
