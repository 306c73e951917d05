/**
 * The data plane's one job for a POST /v1/* request: check the caller may use the model, turn
 * the model into a deployment on an upstream, compress inline images, add the upstream
 * credential, and relay the answer — streamed bytes untouched — while counting usage.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import type { RouteKey } from '../../common/config/schema.js';
import type { Caller } from '../access/client-auth.js';
import { CredentialRegistry } from '../../common/credentials/upstream-credentials.js';
import { HealthKeyOnlyError, InvalidBodyError, MissingModelError, ModelNotAllowedError, ModelNotFoundError, UpstreamConfigError, UpstreamCredentialError } from '../errors.js';
import type { ConfigSnapshot } from '../snapshot.js';
import type { ResolvedTarget } from '../targets/model-catalog.js';
import { bufferedExchange, callUpstream, RequestDeadline, type UpstreamExchange } from '../upstream/call.js';
import { upstreamRequestHeaders } from '../upstream/forward-headers.js';
import { planStreamUsage, rejectsStreamOptions, withoutStreamOptions } from './stream-usage.js';
import { bodyMayContainImages, compressImagesInBody } from '../images/compression.js';
import type { UsageStats } from '../usage/stats.js';
import { relayJson, relayStream, readBody } from './response-relay.js';
import { sendWithFailover } from '../targets/failover.js';
import { orderTargets, targetKey } from '../targets/target-order.js';
import type { TargetStates } from '../targets/target-state.js';
import type { ResponseAffinity } from '../targets/response-affinity.js';
import { accountingOf, recordRequest } from '../usage/accounting.js';
import { withDeadline } from '../../common/deadline.js';
import { relayTranslated, translateRequest, translationFor } from './translated-relay.js';

/** What the relay needs from the running proxy. */
export interface RelayServices {
  snapshot(): ConfigSnapshot;
  dispatcher(): Dispatcher;
  credentials: CredentialRegistry;
  usage: UsageStats;
  /** `upstream|deployment` pairs known to reject `stream_options`. */
  noStreamOptions: Set<string>;
  targets: TargetStates;
  affinity: ResponseAffinity;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
    /** The request body exactly as received, so an unchanged body is forwarded without re-encoding. */
    rawBody?: Buffer;
  }
}

/** How long a credential may take before the request fails with 502 (token endpoints can hang). */
export const CREDENTIAL_TIMEOUT_MS = 30_000;

function requireObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new InvalidBodyError('The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

/** Handles one client request on `route`; resolves once the response has been sent. */
export async function relay(services: RelayServices, route: RouteKey, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  // First thing: a client that leaves at any point from here on cancels the work for it.
  const clientGone = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) clientGone.abort(new Error('client disconnected'));
  });
  const started = performance.now();
  const snap = services.snapshot();
  const acc = accountingOf(request);
  const caller = request.caller;
  if (!caller || caller.kind !== 'client') throw new HealthKeyOnlyError();
  const body = requireObject(request.body);
  const modelId = body.model;
  if (typeof modelId !== 'string' || modelId === '') throw new MissingModelError();
  const model = snap.catalog.get(modelId);
  if (!model) throw new ModelNotFoundError(modelId);
  acc.model = modelId;
  if (caller.entry.models && !caller.entry.models.includes(modelId)) throw new ModelNotAllowedError(modelId);
  const resolved = snap.catalog.resolve(model, route);
  if (!Array.isArray(resolved)) throw new UpstreamConfigError(resolved.upstream, 'it is not defined');
  const pool = pinToResponseOrigin(services, route, body, resolved);
  if (pool.length === 0) throw new UpstreamConfigError(modelId, 'the model has no targets');

  // A chat call mapped to a Responses deployment (or the reverse) is translated both ways.
  const translation = translationFor(route, pool[0]?.upstreamRoute);
  const base = translation ? translateRequest(translation, body) : body;

  // Images are compressed once, before the first attempt; each target then gets its own copy
  // with its deployment name.
  let compressed: Record<string, unknown> = base;
  const compression = snap.config.server.imageCompression;
  if (compression.enabled && bodyMayContainImages(request.rawBody ?? base)) {
    const result = await compressImagesInBody(base, compression);
    compressed = result.body as Record<string, unknown>;
    acc.imageBytesSaved = result.bytesSaved;
  }
  if (clientGone.signal.aborted) return abandon(services, request, started);

  // One controller stops the request whether the client leaves or the deadline passes.
  const deadline = new RequestDeadline(snap.timeouts.totalMs, clientGone);
  const signal = clientGone.signal;
  let dropUsageChunk = false;
  try {
    const attempt = async (target: ResolvedTarget): Promise<UpstreamExchange> => {
      const outgoing = target.deployment === modelId ? compressed : { ...compressed, model: target.deployment };
      const usageKey = `${target.upstream.name}|${target.deployment}`;
      // Only a real chat route is asked for stream usage; a chat call mapped to /responses is not.
      const wantUsage = route === 'chat/completions' && target.upstreamRoute === 'chat/completions' && model.entry.streamUsage && !services.noStreamOptions.has(usageKey);
      const plan = planStreamUsage(outgoing, wantUsage);
      // Unchanged bodies go upstream byte for byte: no re-encoding of large (image) requests.
      const encoded = plan.body === body && request.rawBody ? request.rawBody : JSON.stringify(plan.body);
      let exchange = await send(services, snap, target, encoded, request, signal);
      dropUsageChunk = plan.dropUsageChunk;
      if (plan.dropUsageChunk && exchange.statusCode === 400) {
        const text = await readBody(exchange, target.upstream.name);
        if (!rejectsStreamOptions(400, text.toString('utf8'))) return bufferedExchange(exchange, text);
        services.noStreamOptions.add(usageKey);
        request.log.warn({ upstream: target.upstream.name, deployment: target.deployment }, 'upstream rejects stream_options; retrying without it and not asking again');
        exchange = await send(services, snap, target, JSON.stringify(withoutStreamOptions(plan.body)), request, signal);
        dropUsageChunk = false;
      }
      return exchange;
    };
    const chosen = await sendWithFailover({ states: services.targets, settings: snap.config.server.upstream, request, signal, deadlineAt: deadline.at, attempt }, orderTargets(pool, services.targets));
    const { exchange, target } = chosen;
    acc.target = targetKey(target);
    const contentType = String(exchange.headers['content-type'] ?? '');
    const remember = route === 'responses' && !translation ? (id: string) => services.affinity.remember(id, { upstream: target.upstream.name, deployment: target.deployment, model: modelId }) : undefined;
    const outcome = translation
      ? await relayTranslated(translation, exchange, reply, target.upstream.name, body, request.log, chosen.alreadyRead ?? exchange.buffered)
      : exchange.statusCode < 300 && contentType.startsWith('text/event-stream')
        ? await relayStream(exchange, reply, { route, dropUsageChunk, log: request.log, onResponseId: remember })
        : await relayJson(exchange, reply, target.upstream.name, chosen.alreadyRead ?? exchange.buffered, remember);
    acc.tokens = outcome.usage;
    if (outcome.end === 'upstream_error') acc.status = 502;
    if (outcome.end === 'client_aborted') {
      acc.status = 0;
      recordRequest(services.usage, request, 0, performance.now() - started);
    }
    request.log.info(
      { keyId: caller.entry.id, model: modelId, target: targetKey(target), status: exchange.statusCode, ms: Math.round(performance.now() - started), streamed: outcome.streamed, outcome: outcome.end },
      'relayed',
    );
  } finally {
    deadline.clear();
  }
}

/**
 * A Responses call that continues an earlier response (previous_response_id) can only be served
 * by the resource that made it: keep the targets on that upstream.
 */
function pinToResponseOrigin(services: RelayServices, route: RouteKey, body: Record<string, unknown>, targets: ResolvedTarget[]): ResolvedTarget[] {
  const previous = body.previous_response_id;
  if (route !== 'responses' || typeof previous !== 'string') return targets;
  const origin = services.affinity.lookup(previous);
  if (!origin) return targets;
  const pinned = targets.filter((t) => t.upstream.name === origin.upstream);
  return pinned.length > 0 ? pinned : targets;
}

// The client left before anything was sent upstream: count it and stop.
function abandon(services: RelayServices, request: FastifyRequest, started: number): void {
  accountingOf(request).status = 0;
  recordRequest(services.usage, request, 0, performance.now() - started);
}

/** Sends one request to `target` (its path, with its credential). */
export async function send(services: RelayServices, snap: ConfigSnapshot, target: ResolvedTarget, body: string | Buffer | undefined, request: FastifyRequest, signal: AbortSignal, method: 'POST' | 'GET' | 'DELETE' = 'POST'): Promise<UpstreamExchange> {
  const credential = services.credentials.get(target.upstream.name);
  if (!credential) throw new UpstreamConfigError(target.upstream.name, 'no credential is configured');
  let authHeaders: Record<string, string>;
  try {
    authHeaders = await withDeadline(credential.headers(), CREDENTIAL_TIMEOUT_MS, signal, 'the token request did not finish in time');
  } catch (err) {
    throw new UpstreamCredentialError(target.upstream.name, err instanceof Error ? err.message : String(err));
  }
  const headers: Record<string, string> = {
    ...upstreamRequestHeaders(request.headers),
    ...authHeaders,
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    // Identity encoding keeps the SSE tap able to read the stream (and loopback needs no gzip).
    'accept-encoding': 'identity',
    'x-request-id': request.id,
    'x-ms-client-request-id': request.id,
  };
  const url = target.upstream.baseUrl.replace(/\/+$/, '') + target.path;
  return callUpstream(target.upstream.name, { dispatcher: services.dispatcher(), url, headers, body, method, timeouts: snap.timeouts, signal });
}
