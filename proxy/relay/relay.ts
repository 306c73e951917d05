/**
 * The data plane's one job for a JSON POST on a model (under /v1 or an Azure path), top to bottom: check the caller may use the
 * model, turn the model into deployments on upstreams, translate the body if the deployment
 * speaks the other API, compress inline images, send it (failing over between targets before
 * the first byte), and relay the answer — streamed bytes untouched — while usage is noted for
 * the accounting.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteKey } from '../../common/config/schema.js';
import type { Caller } from '../access/client-auth.js';
import { InvalidBodyError } from '../errors.js';
import { clientKeyOf } from '../access/request-guard.js';
import { snapshotOf, type ConfigSnapshot } from '../snapshot.js';
import type { ResolvedTarget } from '../targets/model-catalog.js';
import { sendWithFailover } from '../targets/failover.js';
import { orderTargets, targetKey } from '../targets/target-order.js';
import type { AffinityStore } from '../shared-state/shared-state.js';
import { bodyMayContainImages, compressImagesInBody } from '../images/compression.js';
import { RequestStop } from '../upstream/request-stop.js';
import { sendUpstream } from '../upstream/send.js';
import { accountingOf, type RequestAccounting } from '../usage/accounting.js';
import { sendWithStreamUsage, wantsStreamUsage, type UsageExchange } from './stream-usage.js';
import { relayAnswer, type RelayHooks } from './response-relay.js';
import { relayTranslated, translateRequest, translationFor } from './translated-relay.js';
import { admitRequest } from '../governance/admission.js';
import { callerModel, resolveTargets, type ClientCall, type RelayServices } from './model-call.js';
import { traceOf } from '../telemetry/telemetry.js';
import type { TraceHeaders } from './traced-attempt.js';

export type { ClientCall, RelayServices } from './model-call.js';

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
    /** The request body exactly as received, so an unchanged body is forwarded without re-encoding. */
    rawBody?: Buffer;
  }
}

/** Handles one client request on `route`; resolves once the response has been sent. */
export async function relay(
  services: RelayServices,
  route: RouteKey,
  request: FastifyRequest,
  reply: FastifyReply,
  call: ClientCall = {},
): Promise<void> {
  // First thing: a client that leaves at any point from here on cancels the work for it.
  const stop = new RequestStop(reply.raw);
  const started = performance.now();
  const snap = snapshotOf(request, services);
  const acc = accountingOf(request);
  const key = clientKeyOf(request);
  const body = requireObject(request.body);
  const model = callerModel(snap, key, acc, call.pathModel ?? body.model);
  const pool = await pinToResponseOrigin(
    services.affinity,
    route,
    body,
    resolveTargets(snap, model, route, call.apiVersion),
  );
  // Limits, quotas and budgets: admitted once here, before failover, so no attempt charges twice.
  request.governance = await admitRequest(services.governance, snap.plans, {
    key,
    route,
    body,
    model,
    deployment: pool[0]!.deployment,
    currency: snap.config.server.currency,
  });

  // A chat call mapped to a Responses deployment (or the reverse) is translated both ways.
  const translation = translationFor(route, pool[0]?.upstreamRoute);
  const outgoing = await compressImages(snap, request, translation ? translateRequest(translation, body) : body, acc);
  // The client left while images were compressed: nothing goes upstream (it is counted as gone).
  if (stop.signal.aborted) return;

  stop.startDeadline(snap.timeouts.totalMs);
  const trace = traceOf(request);
  try {
    // Each target gets its own copy of the body, with its deployment name.
    const send = (target: ResolvedTarget, traceHeaders?: TraceHeaders): Promise<UsageExchange> =>
      sendWithStreamUsage({
        body: outgoing.model === target.deployment ? outgoing : { ...outgoing, model: target.deployment },
        want: wantsStreamUsage(route, target.upstreamRoute, model.entry.streamUsage),
        upstream: target.upstream.name,
        deployment: target.deployment,
        rejecting: services.noStreamOptions,
        log: request.log,
        // Unchanged bodies go upstream byte for byte: no re-encoding of large (image) requests.
        send: (b) =>
          sendUpstream(services, {
            upstream: target.upstream,
            path: target.path,
            body: b === body && request.rawBody ? request.rawBody : JSON.stringify(b),
            clientHeaders: request.headers,
            requestId: request.id,
            timeouts: snap.timeouts,
            signal: stop.signal,
            traceHeaders,
          }),
      });
    const settings = snap.config.server.upstream;
    const { exchange, target } = await sendWithFailover(
      {
        states: services.targets,
        settings,
        log: request.log,
        signal: stop.signal,
        deadlineAt: stop.deadlineAt,
        attempt: send,
        trace,
      },
      orderTargets(pool, services.targets),
    );
    acc.firstByteAt = performance.now();
    acc.target = targetKey(target);
    acc.price = target.price;
    const hooks: RelayHooks = {
      log: request.log,
      onUsage: (usage) => {
        acc.tokens = usage;
      },
      ...(trace ? { onAnswer: (json: unknown) => trace.answer(json) } : {}),
      // A stream that failed after its 200 counts as the 502 it turned into.
      onUpstreamError: () => {
        acc.status = 502;
      },
      // Follow-ups on a Responses answer must find the resource that made it.
      onResponseId:
        route === 'responses' && !translation
          ? (id) =>
              services.affinity.remember(id, {
                upstream: target.upstream.name,
                deployment: target.deployment,
                model: model.entry.id,
              })
          : undefined,
    };
    const outcome = translation
      ? await relayTranslated(translation, exchange, reply, target.upstream.name, body, hooks)
      : await relayAnswer(exchange, reply, target.upstream.name, {
          ...hooks,
          route,
          dropUsageChunk: exchange.usageInjected,
          dropFilterChunks: model.entry.dropContentFilterChunks === true,
        });
    request.log.info(
      {
        keyId: key.id,
        model: model.entry.id,
        target: targetKey(target),
        status: exchange.statusCode,
        ms: Math.round(performance.now() - started),
        streamed: outcome.streamed,
        outcome: outcome.end,
      },
      'relayed',
    );
  } finally {
    stop.clear();
  }
}

function requireObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new InvalidBodyError('The request body must be a JSON object.');
  return body as Record<string, unknown>;
}

/**
 * A Responses call that continues an earlier response (previous_response_id) can only be served
 * by the resource that made it: keep the targets on that upstream.
 */
async function pinToResponseOrigin(
  affinity: AffinityStore,
  route: RouteKey,
  body: Record<string, unknown>,
  targets: ResolvedTarget[],
): Promise<ResolvedTarget[]> {
  const previous = body.previous_response_id;
  if (route !== 'responses' || typeof previous !== 'string') return targets;
  const origin = await affinity.find(previous);
  if (!origin) return targets;
  const pinned = targets.filter((t) => t.upstream.name === origin.upstream);
  return pinned.length > 0 ? pinned : targets;
}

// Images are compressed once, before the first attempt; the bytes saved are counted.
async function compressImages(
  snap: ConfigSnapshot,
  request: FastifyRequest,
  body: Record<string, unknown>,
  acc: RequestAccounting,
): Promise<Record<string, unknown>> {
  const compression = snap.config.server.imageCompression;
  if (!compression.enabled || !bodyMayContainImages(request.rawBody ?? body)) return body;
  const result = await compressImagesInBody(body, compression);
  acc.imageBytesSaved = result.bytesSaved;
  return result.body as Record<string, unknown>;
}
