/**
 * Follow-ups on a stored Responses API response — `GET`/`DELETE /v1/responses/{id}`,
 * `POST …/cancel`, `GET …/input_items` — go to the target that produced it (Azure can only
 * serve a response on the resource that made it), found in the response-affinity map, on the
 * route that made it (see targets/follow-up-path.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UnknownResponseError } from '../errors.js';
import { clientKeyOf, mayUseModel } from '../access/request-guard.js';
import { relayAnswer } from '../relay/response-relay.js';
import type { ProxyRuntime } from '../runtime.js';
import { snapshotOf } from '../snapshot.js';
import { followUpPath } from '../targets/follow-up-path.js';
import { targetKey } from '../targets/target-order.js';
import { RequestStop } from '../upstream/request-stop.js';
import { sendUpstream } from '../upstream/send.js';
import { accountingOf } from '../usage/accounting.js';

const SAFE_ID = /^[A-Za-z0-9_-]{1,256}$/;

async function followUp(
  runtime: ProxyRuntime,
  req: FastifyRequest<{ Params: { id: string } }>,
  reply: FastifyReply,
  method: 'GET' | 'POST' | 'DELETE',
  action: string,
): Promise<void> {
  const stop = new RequestStop(reply.raw);
  const key = clientKeyOf(req);
  const id = req.params.id;
  const origin = SAFE_ID.test(id) ? await runtime.affinity.find(id) : undefined;
  if (!origin || !mayUseModel(key, origin.model)) throw new UnknownResponseError(id);
  const snap = snapshotOf(req, runtime);
  const target = snap.catalog.locate(origin, 'responses');
  if (!target) throw new UnknownResponseError(id);
  const acc = accountingOf(req);
  acc.model = origin.model;
  acc.target = targetKey(target);

  stop.startDeadline(snap.timeouts.totalMs);
  try {
    const path = followUpPath(target.path, id, action, req.url);
    const body = method === 'POST' ? '{}' : undefined;
    const exchange = await sendUpstream(runtime, {
      upstream: target.upstream,
      path,
      method,
      body,
      clientHeaders: req.headers,
      requestId: req.id,
      timeouts: snap.timeouts,
      signal: stop.signal,
    });
    // A stored response carries the usage of the call that made it, counted then: none here.
    const onUpstreamError = () => {
      acc.status = 502;
    };
    await relayAnswer(exchange, reply, target.upstream.name, {
      route: 'responses',
      dropUsageChunk: false,
      log: req.log,
      onUpstreamError,
    });
    if (method === 'DELETE' && exchange.statusCode < 300) runtime.affinity.forget(id);
  } finally {
    stop.clear();
  }
}

/** Registers the follow-up routes. */
export function registerResponseFollowUps(app: FastifyInstance, runtime: ProxyRuntime): void {
  type R = { Params: { id: string } };
  app.get<R>('/v1/responses/:id', (req, reply) => followUp(runtime, req, reply, 'GET', ''));
  app.delete<R>('/v1/responses/:id', (req, reply) => followUp(runtime, req, reply, 'DELETE', ''));
  app.post<R>('/v1/responses/:id/cancel', (req, reply) => followUp(runtime, req, reply, 'POST', '/cancel'));
  app.get<R>('/v1/responses/:id/input_items', (req, reply) => followUp(runtime, req, reply, 'GET', '/input_items'));
}
