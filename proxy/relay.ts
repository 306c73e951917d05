/**
 * The data plane's one job for a POST /v1/* request: check the caller may use the model, turn
 * the model into a deployment on an upstream, compress inline images, add the upstream
 * credential, and relay the answer — streamed bytes untouched — while counting usage.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import type { RouteKey } from '../common/config-schema.js';
import type { Caller } from './client-auth.js';
import { CredentialRegistry } from './upstream-credentials.js';
import { HealthKeyOnlyError, InvalidBodyError, MissingModelError, ModelNotAllowedError, ModelNotFoundError, UpstreamConfigError, UpstreamCredentialError } from './errors.js';
import type { ConfigSnapshot } from './snapshot.js';
import type { ResolvedTarget } from './model-catalog.js';
import { callUpstream, type UpstreamExchange } from './upstream-call.js';
import { upstreamRequestHeaders } from './forward-headers.js';
import { planStreamUsage, rejectsStreamOptions, withoutStreamOptions } from './stream-usage.js';
import { bodyMayContainImages, compressImagesInBody } from './image-compression.js';
import type { UsageStats } from './usage-stats.js';
import { relayJson, relayStream, readBody, upstreamAuthFailure } from './response-relay.js';
import { accountingOf, recordRequest } from './usage-accounting.js';
import { withDeadline } from './deadline.js';

/** What the relay needs from the running proxy. */
export interface RelayServices {
  snapshot(): ConfigSnapshot;
  dispatcher(): Dispatcher;
  credentials: CredentialRegistry;
  usage: UsageStats;
  /** `upstream|deployment` pairs known to reject `stream_options`. */
  noStreamOptions: Set<string>;
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
  const target = resolved[0];
  if (!target) throw new UpstreamConfigError(modelId, 'the model has no targets');
  acc.target = target.upstream.name;

  let outgoing: Record<string, unknown> = target.deployment === modelId ? body : { ...body, model: target.deployment };
  const compression = snap.config.server.imageCompression;
  if (compression.enabled && bodyMayContainImages(request.rawBody ?? outgoing)) {
    const result = await compressImagesInBody(outgoing, compression);
    outgoing = result.body as Record<string, unknown>;
    acc.imageBytesSaved = result.bytesSaved;
  }
  if (clientGone.signal.aborted) return abandon(services, request, started);

  const usageKey = `${target.upstream.name}|${target.deployment}`;
  // Only a real chat route is asked for stream usage; a chat call mapped to /responses is not.
  const wantUsage = route === 'chat/completions' && target.upstreamRoute === 'chat/completions' && model.entry.streamUsage && !services.noStreamOptions.has(usageKey);
  const plan = planStreamUsage(outgoing, wantUsage);
  // Unchanged bodies go upstream byte for byte: no re-encoding of large (image) requests.
  const encoded = plan.body === body && request.rawBody ? request.rawBody : JSON.stringify(plan.body);

  let exchange = await send(services, snap, target, encoded, request, clientGone.signal);
  let alreadyRead: Buffer | undefined;
  if (plan.dropUsageChunk && exchange.statusCode === 400) {
    alreadyRead = await readBody(exchange, target.upstream.name);
    if (rejectsStreamOptions(400, alreadyRead.toString('utf8'))) {
      exchange.finish();
      services.noStreamOptions.add(usageKey);
      request.log.warn({ upstream: target.upstream.name, deployment: target.deployment }, 'upstream rejects stream_options; retrying without it and not asking again');
      exchange = await send(services, snap, target, JSON.stringify(withoutStreamOptions(plan.body)), request, clientGone.signal);
      plan.dropUsageChunk = false;
      alreadyRead = undefined;
    }
  }
  // The upstream refusing the gateway's own credential is not the client's auth failure.
  if (exchange.statusCode === 401 || exchange.statusCode === 403) {
    const text = (alreadyRead ?? (await readBody(exchange, target.upstream.name))).toString('utf8');
    exchange.finish();
    throw upstreamAuthFailure(target.upstream.name, exchange.statusCode, text);
  }

  const contentType = String(exchange.headers['content-type'] ?? '');
  const outcome =
    exchange.statusCode < 300 && contentType.startsWith('text/event-stream')
      ? await relayStream(exchange, reply, { route, dropUsageChunk: plan.dropUsageChunk, log: request.log })
      : await relayJson(exchange, reply, target.upstream.name, alreadyRead);
  acc.tokens = outcome.usage;
  if (outcome.end === 'upstream_error') acc.status = 502;
  if (outcome.end === 'client_aborted') {
    acc.status = 0;
    recordRequest(services.usage, request, 0, performance.now() - started);
  }
  request.log.info(
    { keyId: caller.entry.id, model: modelId, upstream: target.upstream.name, deployment: target.deployment, status: exchange.statusCode, ms: Math.round(performance.now() - started), streamed: outcome.streamed, outcome: outcome.end },
    'relayed',
  );
}

// The client left before anything was sent upstream: count it and stop.
function abandon(services: RelayServices, request: FastifyRequest, started: number): void {
  accountingOf(request).status = 0;
  recordRequest(services.usage, request, 0, performance.now() - started);
}

async function send(services: RelayServices, snap: ConfigSnapshot, target: ResolvedTarget, body: string | Buffer, request: FastifyRequest, signal: AbortSignal): Promise<UpstreamExchange> {
  const credential = services.credentials.get(target.upstream.name);
  if (!credential) throw new UpstreamConfigError(target.upstream.name, 'no credential is configured');
  let authHeaders: Record<string, string>;
  try {
    authHeaders = await withDeadline(credential.headers(), CREDENTIAL_TIMEOUT_MS, signal, 'the token request did not finish in time');
  } catch (err) {
    throw new UpstreamCredentialError(target.upstream.name, err instanceof Error ? err.message : String(err));
  }
  const headers = {
    ...upstreamRequestHeaders(request.headers),
    ...authHeaders,
    'content-type': 'application/json',
    // Identity encoding keeps the SSE tap able to read the stream (and loopback needs no gzip).
    'accept-encoding': 'identity',
    'x-request-id': request.id,
    'x-ms-client-request-id': request.id,
  };
  const url = target.upstream.baseUrl.replace(/\/+$/, '') + target.path;
  return callUpstream(target.upstream.name, { dispatcher: services.dispatcher(), url, headers, body, timeouts: snap.timeouts, clientSignal: signal });
}
