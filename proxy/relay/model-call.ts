/**
 * The first step of every call on a model, whatever its body: which model it names (the body's
 * `model`, or an Azure deployment path's) and which targets serve it on the route, their paths
 * carrying the client's api-version where one is needed (targets/api-version.ts).
 */
import type { Dispatcher } from 'undici';
import type { RouteKey } from '../../common/config/schema.js';
import type { CredentialRegistry } from '../../common/credentials/upstream-credentials.js';
import type { ApiKeyEntry } from '../../common/config/schema.js';
import { MissingModelError, ModelNotAllowedError, ModelNotFoundError, UpstreamConfigError } from '../errors.js';
import { mayUseModel } from '../access/request-guard.js';
import type { RequestAccounting } from '../usage/accounting.js';
import type { ConfigSnapshot } from '../snapshot.js';
import type { CatalogModel, ResolvedTarget } from '../targets/model-catalog.js';
import type { TargetStates } from '../targets/target-state.js';
import type { AffinityStore } from '../shared-state/shared-state.js';
import { withApiVersion } from '../targets/api-version.js';
import type { GovernanceState } from '../governance/state.js';

/** What the relay needs from the running proxy. */
export interface RelayServices {
  snapshot(): ConfigSnapshot;
  dispatcher(): Dispatcher;
  credentials: CredentialRegistry;
  /** `upstream|deployment` pairs known to reject `stream_options`. */
  noStreamOptions: Set<string>;
  targets: TargetStates;
  affinity: AffinityStore;
  governance: GovernanceState;
}

/**
 * How the client addressed the call: Azure's deployment paths name the model in the path (the
 * body's `model` is then ignored, as Azure ignores it), and Azure clients send an api-version
 * (docs/azure-front.md).
 */
export interface ClientCall {
  pathModel?: string;
  apiVersion?: string;
}

/** The catalog model a request names (the body's `model`, or an Azure deployment path's). */
export function requireModel(snap: ConfigSnapshot, modelId: unknown): CatalogModel {
  if (typeof modelId !== 'string' || modelId === '') throw new MissingModelError();
  const model = snap.catalog.get(modelId);
  if (!model) throw new ModelNotFoundError(modelId);
  return model;
}

/** The model a call names, when `key` may use it; it becomes the call's model in the statistics either way. */
export function callerModel(
  snap: ConfigSnapshot,
  key: ApiKeyEntry,
  acc: RequestAccounting,
  modelId: unknown,
): CatalogModel {
  const model = requireModel(snap, modelId);
  acc.model = model.entry.id;
  if (!mayUseModel(key, model.entry.id)) throw new ModelNotAllowedError(model.entry.id);
  return model;
}

/** The targets that serve `model` on `route`, their paths carrying the client's api-version where one is needed. */
export function resolveTargets(
  snap: ConfigSnapshot,
  model: CatalogModel,
  route: RouteKey,
  apiVersion?: string,
): ResolvedTarget[] {
  const resolved = snap.catalog.resolve(model, route);
  if (!Array.isArray(resolved)) throw new UpstreamConfigError(resolved.upstream, 'it is not defined');
  if (resolved.length === 0) throw new UpstreamConfigError(model.entry.id, 'the model has no targets');
  return resolved.map((t) => ({ ...t, path: withApiVersion(t.path, apiVersion) }));
}
