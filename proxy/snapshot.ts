/**
 * Everything the request path derives from one config: keys, models, timeouts. Built whole on
 * every (re)load and swapped in one assignment, so a request never sees half a config.
 */
import type { FastifyRequest } from 'fastify';
import type { Config } from '../common/config/schema.js';
import { DEFAULT_BODY_LIMIT_BYTES } from '../common/runtime-env.js';
import { KeyRing } from './access/client-auth.js';
import { ModelCatalog } from './targets/model-catalog.js';
import { GovernancePlans } from './governance/plans.js';
import { requestTimeouts, type RequestTimeouts } from './upstream/call.js';

/** A config and what the request path derives from it. */
export interface ConfigSnapshot {
  readonly config: Readonly<Config>;
  readonly text: string;
  readonly keys: KeyRing;
  readonly catalog: ModelCatalog;
  readonly plans: GovernancePlans;
  readonly timeouts: RequestTimeouts;
  readonly loadedAt: Date;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The snapshot this request is served with (see snapshotOf). */
    configSnapshot?: ConfigSnapshot;
  }
}

/**
 * The snapshot `req` is served with: taken from `source` on first use and kept, so a reload
 * while the request runs never gives it keys from one config and models from another.
 */
export function snapshotOf(req: FastifyRequest, source: { snapshot(): ConfigSnapshot }): ConfigSnapshot {
  req.configSnapshot ??= source.snapshot();
  return req.configSnapshot;
}

/** Builds a snapshot; `extraHealthKeys` are previous health keys still accepted during an apply. */
export function buildSnapshot(
  config: Readonly<Config>,
  text: string,
  extraHealthKeys: readonly string[] = [],
): ConfigSnapshot {
  return {
    config,
    text,
    keys: new KeyRing(config, extraHealthKeys),
    catalog: new ModelCatalog(config),
    plans: new GovernancePlans(config),
    timeouts: requestTimeouts(config.server.upstream),
    loadedAt: new Date(),
  };
}

/** The body limit in force: config, then BODY_LIMIT, then 50 MiB. */
export function bodyLimitOf(config: Readonly<Config>, envLimit: number | undefined): number {
  return config.server.bodyLimitBytes ?? envLimit ?? DEFAULT_BODY_LIMIT_BYTES;
}
