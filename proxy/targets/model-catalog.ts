/**
 * Model resolution: a client's model id and route → the upstream targets that serve it, each
 * with the deployment name and the exact upstream path. Built once per config snapshot.
 */
import {
  ROUTE_KEYS,
  type Config,
  type ModelEntry,
  type Price,
  type RouteKey,
  type StoreRouteKey,
  type UpstreamEntry,
} from '../../common/config/schema.js';

/** One place a request can be sent: an upstream, a deployment and a path on it. */
export interface ResolvedTarget {
  upstream: UpstreamEntry;
  deployment: string;
  /** Path (and query) relative to the upstream's baseUrl, `{deployment}` already filled in. */
  path: string;
  /** The upstream route key the path came from, or undefined for an explicit path. */
  upstreamRoute: RouteKey | undefined;
  priority: number;
  weight: number;
  /** What its tokens cost: the target's own price, else its model's (docs/governance.md). */
  price?: Price;
}

/** A model as clients see it, with every target that can serve it. */
export interface CatalogModel {
  entry: ModelEntry;
  /** Stable `created` for /v1/models: derived from the id, so it never changes between restarts. */
  created: number;
  ownedBy: string;
}

// Foundry v1 data plane paths (docs/configuration.md, "Models and routes"), used when an upstream does not list a route.
// Realtime names its deployment in the query (docs/azure-front.md, "Realtime").
const DEFAULT_UPSTREAM_PATHS: Record<RouteKey | StoreRouteKey, string> = {
  'chat/completions': '/openai/v1/chat/completions',
  responses: '/openai/v1/responses',
  'images/generations': '/openai/v1/images/generations',
  embeddings: '/openai/v1/embeddings',
  completions: '/openai/v1/completions',
  'images/edits': '/openai/v1/images/edits',
  'images/variations': '/openai/v1/images/variations',
  'audio/transcriptions': '/openai/v1/audio/transcriptions',
  'audio/translations': '/openai/v1/audio/translations',
  'audio/speech': '/openai/v1/audio/speech',
  realtime: '/openai/v1/realtime?model={deployment}',
  files: '/openai/v1/files',
  batches: '/openai/v1/batches',
};

// "*" covers the two text-generation routes only (docs/configuration.md, "Models and routes"): mapping images or embeddings of a
// codex model to responses would send them somewhere that cannot answer them.
const WILDCARD_ROUTES: ReadonlySet<RouteKey> = new Set(['chat/completions', 'responses']);

const CREATED_EPOCH = 1_700_000_000;

// What the model says about a route: another route key, an explicit path, or nothing.
function routeOverride(model: ModelEntry, route: RouteKey): string | undefined {
  return model.routes[route] ?? (WILDCARD_ROUTES.has(route) ? model.routes['*'] : undefined);
}

// The upstream's path template for a route: its own `routes` entry, or Foundry's v1 default.
function upstreamPath(upstream: UpstreamEntry, route: RouteKey | StoreRouteKey): string {
  return upstream.routes[route] ?? DEFAULT_UPSTREAM_PATHS[route];
}

function fillDeployment(template: string, deployment: string): string {
  return template.replaceAll('{deployment}', encodeURIComponent(deployment));
}

function stableCreated(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619) >>> 0;
  return CREATED_EPOCH + (h % 31_536_000);
}

function isRouteKey(value: string): value is RouteKey {
  return (ROUTE_KEYS as readonly string[]).includes(value);
}

/** Why a model cannot serve a route (the error handler turns it into a 4xx/5xx). */
export interface ResolveFailure {
  reason: 'upstream_missing';
  upstream: string;
}

/** Where the gateway keeps uploaded files and the batches made from them: one upstream's paths. */
export interface StoreLocation {
  upstream: UpstreamEntry;
  files: string;
  batches: string;
}

/** The models of one config snapshot. */
export class ModelCatalog {
  private readonly models = new Map<string, CatalogModel>();
  private readonly upstreams = new Map<string, UpstreamEntry>();
  private readonly storeUpstream: UpstreamEntry | undefined;

  constructor(config: Readonly<Config>) {
    for (const u of config.upstreams) this.upstreams.set(u.name, u);
    this.storeUpstream = config.upstreams.find((u) => u.files === true) ?? config.upstreams[0];
    for (const m of config.models) {
      this.models.set(m.id, {
        entry: m,
        created: stableCreated(m.id),
        ownedBy: m.ownedBy ?? m.upstream ?? m.targets?.[0]?.upstream ?? 'azure',
      });
    }
  }

  /** Every model, in config order. */
  list(): CatalogModel[] {
    return [...this.models.values()];
  }

  /** Every `upstream/deployment` the models name (as targetKey writes it), whether used yet or not. */
  targetKeys(): string[] {
    const keys = new Set<string>();
    for (const { entry } of this.models.values()) {
      const targets = entry.targets ?? [{ upstream: entry.upstream ?? '', targetModel: entry.targetModel }];
      for (const t of targets) {
        if (this.upstreams.has(t.upstream)) keys.add(`${t.upstream}/${t.targetModel ?? entry.targetModel ?? entry.id}`);
      }
    }
    return [...keys];
  }

  /** The model with this id, if configured. */
  get(id: string): CatalogModel | undefined {
    return this.models.get(id);
  }

  /** The targets for `model` on the client route `route`, sorted by priority (lowest first). */
  resolve(model: CatalogModel, route: RouteKey): ResolvedTarget[] | ResolveFailure {
    const override = routeOverride(model.entry, route);
    const targets = model.entry.targets ?? [
      { upstream: model.entry.upstream ?? '', targetModel: model.entry.targetModel, priority: 0, weight: 1 },
    ];
    const resolved: ResolvedTarget[] = [];
    for (const t of targets) {
      const upstream = this.upstreams.get(t.upstream);
      if (!upstream) return { reason: 'upstream_missing', upstream: t.upstream };
      const deployment = t.targetModel ?? model.entry.targetModel ?? model.entry.id;
      let upstreamRoute: RouteKey | undefined = route;
      let template: string;
      if (override?.startsWith('/')) {
        upstreamRoute = undefined;
        template = override;
      } else {
        if (override && isRouteKey(override)) upstreamRoute = override;
        template = upstreamPath(upstream, upstreamRoute);
      }
      resolved.push({
        upstream,
        deployment,
        path: fillDeployment(template, deployment),
        upstreamRoute,
        priority: t.priority,
        weight: t.weight,
        price: ('price' in t ? t.price : undefined) ?? model.entry.price,
      });
    }
    return resolved.sort((a, b) => a.priority - b.priority);
  }

  /**
   * Where an answer made on `place` for `route` lives (a stored Responses API response): the
   * model's own explicit path for the route when it has one, else the upstream's route, with
   * the deployment that made it filled in. A model mapped to another route key would have been
   * translated, so such a mapping is not followed. Undefined when the upstream is gone.
   */
  locate(place: { upstream: string; deployment: string; model: string }, route: RouteKey): ResolvedTarget | undefined {
    const upstream = this.upstreams.get(place.upstream);
    if (!upstream) return undefined;
    const model = this.models.get(place.model);
    const override = model ? routeOverride(model.entry, route) : undefined;
    const explicit = override?.startsWith('/') ? override : undefined;
    const template = explicit ?? upstreamPath(upstream, route);
    return {
      upstream,
      deployment: place.deployment,
      path: fillDeployment(template, place.deployment),
      upstreamRoute: explicit ? undefined : route,
      priority: 0,
      weight: 1,
    };
  }

  /**
   * The files and batches paths of `upstreamName` (where an id was made), or of the upstream new
   * uploads go to (the one marked `files: true`, else the first) when no name is given.
   */
  store(upstreamName?: string): StoreLocation | undefined {
    const upstream = upstreamName === undefined ? this.storeUpstream : this.upstreams.get(upstreamName);
    if (!upstream) return undefined;
    return { upstream, files: upstreamPath(upstream, 'files'), batches: upstreamPath(upstream, 'batches') };
  }
}
