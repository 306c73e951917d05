/**
 * Follow-ups on a stored Responses API response — `GET`/`DELETE /v1/responses/{id}`,
 * `POST …/cancel`, `GET …/input_items` — go to the target that produced it (Azure can only
 * serve a response on the resource that made it), found in the response-affinity map.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HealthKeyOnlyError, UnknownResponseError } from '../errors.js';
import type { ResolvedTarget } from '../targets/model-catalog.js';
import { relayJson, relayStream } from '../relay/response-relay.js';
import { send } from '../relay/relay.js';
import type { ProxyRuntime } from '../runtime.js';
import { RequestDeadline } from '../upstream/call.js';
import { accountingOf } from '../usage/accounting.js';
import { targetKey } from '../targets/target-order.js';

const DEFAULT_RESPONSES_PATH = '/openai/v1/responses';
const SAFE_ID = /^[A-Za-z0-9_-]{1,256}$/;

async function followUp(runtime: ProxyRuntime, req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, method: 'GET' | 'POST' | 'DELETE', suffix: string): Promise<void> {
  const caller = req.caller;
  if (!caller || caller.kind !== 'client') throw new HealthKeyOnlyError();
  const id = req.params.id;
  const origin = SAFE_ID.test(id) ? runtime.affinity.lookup(id) : undefined;
  if (!origin) throw new UnknownResponseError(id);
  if (caller.entry.models && !caller.entry.models.includes(origin.model)) throw new UnknownResponseError(id);
  const snap = runtime.snapshot();
  const upstream = snap.config.upstreams.find((u) => u.name === origin.upstream);
  if (!upstream) throw new UnknownResponseError(id);
  const acc = accountingOf(req);
  acc.model = origin.model;
  // Keep the client's query (limit/order/after for input_items, stream/include for GET).
  const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
  const base = (upstream.routes.responses ?? DEFAULT_RESPONSES_PATH).split('?')[0] ?? DEFAULT_RESPONSES_PATH;
  const target: ResolvedTarget = { upstream, deployment: origin.deployment, path: `${base}/${encodeURIComponent(id)}${suffix}${query}`, upstreamRoute: 'responses', priority: 0, weight: 1 };
  acc.target = targetKey(target);

  const clientGone = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) clientGone.abort(new Error('client disconnected'));
  });
  const deadline = new RequestDeadline(snap.timeouts.totalMs, clientGone);
  try {
    const exchange = await send(runtime, snap, target, method === 'POST' ? '{}' : undefined, req, clientGone.signal, method);
    const streamed = String(exchange.headers['content-type'] ?? '').startsWith('text/event-stream') && exchange.statusCode < 300;
    const outcome = streamed ? await relayStream(exchange, reply, { route: 'responses', dropUsageChunk: false, log: req.log }) : await relayJson(exchange, reply, upstream.name);
    if (method === 'DELETE' && exchange.statusCode < 300) runtime.affinity.forget(id);
    if (outcome.end === 'upstream_error') acc.status = 502;
  } finally {
    deadline.clear();
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

