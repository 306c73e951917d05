/**
 * Which resource a files or batches call goes to: where new uploads are stored
 * (`upstreams[].files`, else the first upstream), or where a pinned id lives. The call counts as
 * one request for the caller's limits (no model, no tokens).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NoFileStoreError, UnknownBatchError, UnknownFileError } from '../errors.js';
import { clientKeyOf } from '../access/request-guard.js';
import { admitCall } from '../governance/admission.js';
import type { GovernanceState } from '../governance/state.js';
import { snapshotOf } from '../snapshot.js';
import type { StoreLocation } from '../targets/model-catalog.js';
import { accountingOf } from '../usage/accounting.js';
import { clientApiVersion } from '../targets/api-version.js';
import { collectionPath } from '../targets/follow-up-path.js';
import { ownedList, type ObjectPins } from '../targets/stored-objects.js';
import { relayDirect, type DirectServices } from './direct-call.js';

/** What files and batches need from the running proxy. */
export interface StoreServices extends DirectServices {
  governance: GovernanceState;
  storedObjects: ObjectPins;
}

/**
 * The store a new upload, batch or listing goes to, or the one holding a pinned id; the call is
 * admitted for the caller's key (a request, no tokens).
 */
export async function storeFor(
  runtime: StoreServices,
  req: FastifyRequest,
  kind: 'files' | 'batches',
  pinned?: { upstream: string; id: string },
): Promise<StoreLocation> {
  const snap = snapshotOf(req, runtime);
  const store = snap.catalog.store(pinned?.upstream);
  if (!store) {
    if (!pinned) throw new NoFileStoreError();
    throw kind === 'files' ? new UnknownFileError(pinned.id) : new UnknownBatchError(pinned.id);
  }
  req.governance = await admitCall(runtime.governance, snap.plans, clientKeyOf(req), snap.config.server.currency);
  accountingOf(req).target = `${store.upstream.name}/(${kind})`;
  return store;
}

/** Relays the store's list of files or batches, cut down to what the caller's key made there. */
export async function listOwned(
  runtime: StoreServices,
  req: FastifyRequest,
  reply: FastifyReply,
  kind: 'files' | 'batches',
): Promise<void> {
  const owner = clientKeyOf(req).id;
  const store = await storeFor(runtime, req, kind);
  const path = collectionPath(store[kind], req.url, clientApiVersion(req.query));
  await relayDirect(runtime, req, reply, {
    upstream: store.upstream,
    path,
    method: 'GET',
    deployment: `(${kind})`,
    rewrite: (page) => ownedList(runtime.storedObjects, page, store.upstream.name, owner),
  });
}
