/**
 * Governance on the request path: before a request is sent, its key's plan is admitted (limits
 * checked and tokens reserved atomically, or a 429 thrown); when it ends, the ticket is settled
 * exactly once with Azure's usage and the serving target's price. Failover and retries happen
 * inside one admission, so they never charge a request twice.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiKeyEntry, Price, RouteKey } from '../../common/config/schema.js';
import type { CatalogModel } from '../targets/model-catalog.js';
import type { TokenUsage } from '../usage/extract.js';
import type { GovernancePlans } from './plans.js';
import { costOf } from './pricing.js';
import { moveUpstreamRateLimitHeaders, rateLimitHeaders } from './rate-limit-headers.js';
import { refusalError } from './refusal.js';
import type { AdmissionPlan, GovernanceState, Ticket } from './state.js';
import { encodingFor, estimateTokens, tokenCounter } from './token-estimate.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's admission, when its key or team has limits or a budget. */
    governance?: Ticket;
  }
}

/** What admission needs to know about the request. */
export interface AdmissionInput {
  key: ApiKeyEntry;
  route: RouteKey;
  body: Record<string, unknown>;
  model: CatalogModel;
  /** Deployment of the first target (the encoding is guessed from it when the model sets none). */
  deployment: string;
  currency: string;
}

/** Admits the request (or throws the 429); returns undefined when nothing limits its key. */
export async function admitRequest(
  state: GovernanceState,
  plans: GovernancePlans,
  input: AdmissionInput,
): Promise<Ticket | undefined> {
  const plan = plans.of(input.key);
  if (!plan) return undefined;
  let tokens = 0;
  if (plan.needsTokenEstimate) {
    const count = await tokenCounter(encodingFor(input.model.entry, input.deployment));
    const estimate = estimateTokens(input.route, input.body, count);
    tokens = estimate.prompt + estimate.outputCap;
  }
  return admitPlan(state, { keyId: input.key.id, scopes: plan.scopes, tokens }, input.currency);
}

/**
 * Admits a call that names no model and carries no prompt (files, batches): it counts as a
 * request and holds a concurrency slot until it ends. Undefined when nothing limits its key.
 */
export async function admitCall(
  state: GovernanceState,
  plans: GovernancePlans,
  key: ApiKeyEntry,
  currency: string,
): Promise<Ticket | undefined> {
  const plan = plans.of(key);
  return plan ? admitPlan(state, { keyId: key.id, scopes: plan.scopes, tokens: 0 }, currency) : undefined;
}

async function admitPlan(state: GovernanceState, plan: AdmissionPlan, currency: string): Promise<Ticket> {
  const admission = await state.admit(plan);
  if (!admission.ok) throw refusalError(admission.refusal, currency, rateLimitHeaders(admission.view));
  return admission.ticket;
}

/** How a governed request ended. */
export interface RequestEnd {
  usage: TokenUsage | undefined;
  /** The serving target's price (the target's own, else its model's). */
  price: Price | undefined;
  /** False when no answer came from upstream (refused, failed before the first byte): nothing was used. */
  reachedUpstream: boolean;
}

/** Settles the ticket once: Azure's usage replaces the reservation; a stream without usage keeps it. */
export function settleRequest(state: GovernanceState, ticket: Ticket, end: RequestEnd): void {
  const tokens = end.usage
    ? end.usage.total || end.usage.prompt + end.usage.completion
    : end.reachedUpstream
      ? undefined
      : 0;
  state.settle(ticket, { tokens, cost: costOf(end.usage, end.price) }).catch(() => undefined);
}

/** Adds the key's own rate-limit headers to every governed answer; Azure's move aside. */
export function registerRateLimitHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (req: FastifyRequest, reply, payload) => {
    const ticket = req.governance;
    if (!ticket) return payload;
    const ours = rateLimitHeaders(ticket.view);
    if (Object.keys(ours).length === 0) return payload;
    moveUpstreamRateLimitHeaders(reply.getHeaders(), (from, to) => {
      void reply.header(to, reply.getHeader(from));
      reply.removeHeader(from);
    });
    void reply.headers(ours);
    return payload;
  });
}
