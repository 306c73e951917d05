/**
 * Which resource a files or batches call goes to: where new uploads are stored
 * (`upstreams[].files`, else the first upstream), or where a pinned id lives. The call counts as
 * one request for the caller's limits (no model, no tokens).
 */
import type { FastifyRequest } from 'fastify';
import { NoFileStoreError, UnknownBatchError, UnknownFileError } from '../errors.js';
import { clientKeyOf } from '../access/request-guard.js';
import { admitCall } from '../governance/admission.js';
import type { GovernanceState } from '../governance/state.js';
import { snapshotOf, type ConfigSnapshot } from '../snapshot.js';
import type { StoreLocation } from '../targets/model-catalog.js';
import { accountingOf } from '../usage/accounting.js';

/**
 * The store a new upload, batch or listing goes to, or the one holding a pinned id; the call is
 * admitted for the caller's key (a request, no tokens).
 */
export async function storeFor(runtime: { snapshot(): ConfigSnapshot; governance: GovernanceState }, req: FastifyRequest, kind: 'files' | 'batches', pinned?: { upstream: string; id: string }): Promise<StoreLocation> {
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

