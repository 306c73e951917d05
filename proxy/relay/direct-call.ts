/**
 * A call on something stored on one known upstream — a Responses API response, a file, a batch —
 * with no model to resolve and no failover (only the resource that holds it can answer). The
 * answer is relayed like any other (JSON, event stream, or piped bytes); a list can be rewritten
 * before it goes out (filtered to what the caller owns).
 */
import type { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UpstreamEntry } from '../../common/config/schema.js';
import { snapshotOf, type ConfigSnapshot } from '../snapshot.js';
import { RequestStop } from '../upstream/request-stop.js';
import { sendUpstream, type UpstreamLink, type UpstreamRequest } from '../upstream/send.js';
import { readBody } from '../upstream/read-body.js';
import { clientResponseHeaders } from '../upstream/forward-headers.js';
import type { UpstreamExchange } from '../upstream/call.js';
import { accountingOf } from '../usage/accounting.js';
import { relayAnswer, type RelayHooks } from './response-relay.js';
import { tracedAttempt } from './traced-attempt.js';
import { traceOf } from '../telemetry/telemetry.js';

/** What a direct call needs from the running proxy. */
export interface DirectServices extends UpstreamLink {
  snapshot(): ConfigSnapshot;
}

/** One call to a known upstream path. */
export interface DirectCall {
  upstream: UpstreamEntry;
  /** Path and query relative to the upstream's baseUrl. */
  path: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** The deployment its attempt span names: the target's, or `(files)` / `(batches)` on a store, which has none. */
  deployment: string;
  body?: string | Buffer | Readable;
  contentType?: string;
  /** The length of a streamed body passed through unchanged. */
  contentLength?: string;
  /** Sees a successful JSON answer (ids to pin). */
  onJson?: RelayHooks['onJson'];
  /** Replaces a successful JSON answer before it is sent (read whole: lists are small). */
  rewrite?: (parsed: unknown) => unknown | Promise<unknown>;
}

/** Sends `call` and relays the answer; resolves with the exchange once the response has been sent. */
export async function relayDirect(
  services: DirectServices,
  request: FastifyRequest,
  reply: FastifyReply,
  call: DirectCall,
): Promise<UpstreamExchange> {
  const stop = new RequestStop(reply.raw);
  const snap = snapshotOf(request, services);
  const acc = accountingOf(request);
  stop.startDeadline(snap.timeouts.totalMs);
  try {
    const { upstream, path, method, body, contentType, contentLength } = call;
    const req: UpstreamRequest = {
      upstream,
      path,
      method,
      body,
      contentType,
      contentLength,
      clientHeaders: request.headers,
      requestId: request.id,
      timeouts: snap.timeouts,
      signal: stop.signal,
    };
    // No failover here: one attempt, traced like any other while telemetry is on.
    const trace = traceOf(request);
    const exchange = trace
      ? await tracedAttempt(
          trace,
          { upstream: upstream.name, deployment: call.deployment, key: `${upstream.name}/${call.deployment}` },
          (traceHeaders) => sendUpstream(services, { ...req, traceHeaders }),
        )
      : await sendUpstream(services, req);
    if (call.rewrite && exchange.statusCode < 300) {
      const body = await readBody(exchange, call.upstream.name);
      const parsed = parseJson(body);
      if (parsed !== undefined) call.onJson?.(parsed);
      const answer = parsed === undefined ? body : await call.rewrite(parsed);
      void reply.code(exchange.statusCode).headers(clientResponseHeaders(exchange.headers)).send(answer);
      return exchange;
    }
    // Stored objects carry the usage of the call that made them, counted then: none here.
    const onUpstreamError = () => {
      acc.status = 502;
    };
    await relayAnswer(exchange, reply, call.upstream.name, {
      route: 'responses',
      dropUsageChunk: false,
      log: request.log,
      onUpstreamError,
      onJson: call.onJson,
    });
    return exchange;
  } finally {
    stop.clear();
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
