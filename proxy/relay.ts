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
import { clientResponseHeaders, upstreamRequestHeaders } from './forward-headers.js';
import { planStreamUsage, rejectsStreamOptions, withoutStreamOptions } from './stream-usage.js';
import { bodyMayContainImages, compressImagesInBody } from './image-compression.js';
import type { UsageStats } from './usage-stats.js';
import { relayJson, relayStream, readBody, type RelayOutcome } from './response-relay.js';

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
  }
}

function requireObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new InvalidBodyError('The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

/** Handles one client request on `route`; resolves once the response has been sent. */
export async function relay(services: RelayServices, route: RouteKey, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const started = performance.now();
  const snap = services.snapshot();
  const caller = request.caller;
  if (!caller || caller.kind !== 'client') throw new HealthKeyOnlyError();
  const body = requireObject(request.body);
  const modelId = body.model;
  if (typeof modelId !== 'string' || modelId === '') throw new MissingModelError();
  const model = snap.catalog.get(modelId);
  if (!model) throw new ModelNotFoundError(modelId);
  if (caller.entry.models && !caller.entry.models.includes(modelId)) throw new ModelNotAllowedError(modelId);
  const resolved = snap.catalog.resolve(model, route);
  if (!Array.isArray(resolved)) throw new UpstreamConfigError(resolved.upstream, 'it is not defined');
  const target = resolved[0];
  if (!target) throw new UpstreamConfigError(modelId, 'the model has no targets');

  let imageBytesSaved = 0;
  let outgoing: Record<string, unknown> = { ...body, model: target.deployment };
  const compression = snap.config.server.imageCompression;
  if (compression.enabled && bodyMayContainImages(outgoing)) {
    const result = await compressImagesInBody(outgoing, compression);
    outgoing = result.body as Record<string, unknown>;
    imageBytesSaved = result.bytesSaved;
  }

  const usageKey = `${target.upstream.name}|${target.deployment}`;
  const wantUsage = route === 'chat/completions' && model.entry.streamUsage && !services.noStreamOptions.has(usageKey);
  const plan = planStreamUsage(outgoing, wantUsage);

  const clientGone = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) clientGone.abort(new Error('client disconnected'));
  });

  let exchange = await send(services, snap, target, plan.body, request, clientGone.signal);
  let alreadyRead: Buffer | undefined;
  if (plan.askedForUsage && exchange.statusCode === 400) {
    alreadyRead = await readBody(exchange);
    if (rejectsStreamOptions(400, alreadyRead.toString('utf8'))) {
      services.noStreamOptions.add(usageKey);
      request.log.warn({ upstream: target.upstream.name, deployment: target.deployment }, 'upstream rejects stream_options; retrying without it and not asking again');
      exchange = await send(services, snap, target, withoutStreamOptions(plan.body), request, clientGone.signal);
      plan.dropUsageChunk = false;
      alreadyRead = undefined;
    }
  }

  const contentType = String(exchange.headers['content-type'] ?? '');
  void reply.code(exchange.statusCode).headers(clientResponseHeaders(exchange.headers));
  let outcome: RelayOutcome;
  if (exchange.statusCode < 300 && contentType.startsWith('text/event-stream')) {
    void reply.header('cache-control', 'no-cache').header('x-accel-buffering', 'no');
    outcome = await relayStream(exchange, reply, { route, dropUsageChunk: plan.dropUsageChunk, log: request.log });
  } else {
    outcome = await relayJson(exchange, reply, alreadyRead);
  }
  services.usage.record({
    model: modelId,
    keyId: caller.entry.id,
    target: target.upstream.name,
    status: outcome.end === 'upstream_error' ? 502 : exchange.statusCode,
    latencyMs: performance.now() - started,
    usage: outcome.usage,
    imageBytesSaved,
  });
  request.log.info(
    { keyId: caller.entry.id, model: modelId, upstream: target.upstream.name, deployment: target.deployment, status: exchange.statusCode, ms: Math.round(performance.now() - started), streamed: outcome.streamed, outcome: outcome.end },
    'relayed',
  );
}

async function send(services: RelayServices, snap: ConfigSnapshot, target: ResolvedTarget, body: Record<string, unknown>, request: FastifyRequest, signal: AbortSignal): Promise<UpstreamExchange> {
  const credential = services.credentials.get(target.upstream.name);
  if (!credential) throw new UpstreamConfigError(target.upstream.name, 'no credential is configured');
  let authHeaders: Record<string, string>;
  try {
    authHeaders = await credential.headers();
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
  return callUpstream(target.upstream.name, { dispatcher: services.dispatcher(), url, headers, body: JSON.stringify(body), timeouts: snap.timeouts, clientSignal: signal });
}
