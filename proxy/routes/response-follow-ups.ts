/**
 * Follow-ups on a stored Responses API response — `GET`/`DELETE …/responses/{id}`,
 * `POST …/cancel`, `GET …/input_items` — go to the target that produced it (Azure can only
 * serve a response on the resource that made it), found in the response-affinity map, on the
 * route that made it (see targets/follow-up-path.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UnknownResponseError } from '../errors.js';
import { clientKeyOf, mayUseModel } from '../access/request-guard.js';
import { relayDirect } from '../relay/direct-call.js';
import type { ProxyRuntime } from '../runtime.js';
import { snapshotOf } from '../snapshot.js';
import { followUpPath } from '../targets/follow-up-path.js';
import { clientApiVersion } from '../targets/api-version.js';
import { targetKey } from '../targets/target-order.js';
import { accountingOf } from '../usage/accounting.js';

const SAFE_ID = /^[A-Za-z0-9_-]{1,256}$/;

async function followUp(
  runtime: ProxyRuntime,
  req: FastifyRequest<{ Params: { id: string } }>,
  reply: FastifyReply,
  method: 'GET' | 'POST' | 'DELETE',
  action: string,
): Promise<void> {
  const key = clientKeyOf(req);
  const id = req.params.id;
  const origin = SAFE_ID.test(id) ? await runtime.affinity.find(id) : undefined;
  if (!origin || !mayUseModel(key, origin.model)) throw new UnknownResponseError(id);
  const target = snapshotOf(req, runtime).catalog.locate(origin, 'responses');
  if (!target) throw new UnknownResponseError(id);
  const acc = accountingOf(req);
  acc.model = origin.model;
  acc.target = targetKey(target);
  const path = followUpPath(target.path, id, action, req.url, clientApiVersion(req.query));
  const exchange = await relayDirect(runtime, req, reply, {
    upstream: target.upstream,
    path,
    method,
    deployment: target.deployment,
    body: method === 'POST' ? '{}' : undefined,
  });
  if (method === 'DELETE' && exchange.statusCode < 300) runtime.affinity.forget(id);
}

/** Registers the follow-up routes (relative to the scope's prefix). */
export function registerResponseFollowUps(app: FastifyInstance, runtime: ProxyRuntime): void {
  type R = { Params: { id: string } };
  app.get<R>('/responses/:id', (req, reply) => followUp(runtime, req, reply, 'GET', ''));
  app.delete<R>('/responses/:id', (req, reply) => followUp(runtime, req, reply, 'DELETE', ''));
  app.post<R>('/responses/:id/cancel', (req, reply) => followUp(runtime, req, reply, 'POST', '/cancel'));
  app.get<R>('/responses/:id/input_items', (req, reply) => followUp(runtime, req, reply, 'GET', '/input_items'));
}
