/**
 * Every request of the client API (`/v1/…` and the Azure-shaped `/openai/…`) is counted once in
 * the usage statistics — gateway errors (401, 404, 413, 502, 504…) as well as relayed answers —
 * so operators see failures where they look for them.
 * Handlers fill in `request.accounting` as they learn the model, target and tokens; the one
 * record is written here, when the response closes: finished, or cut short by a client that
 * left (counted as status 0).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Price } from '../../common/config/schema.js';
import type { TokenUsage } from './extract.js';
import type { UsageStats } from './stats.js';
import { settleRequest } from '../governance/admission.js';
import { costOf } from '../governance/pricing.js';
import type { GovernanceState, Ticket } from '../governance/state.js';
import type { PrometheusMetrics } from '../observe/prometheus.js';

/** What is known about a request for the statistics. */
export interface RequestAccounting {
  model?: string;
  target?: string;
  /** Price of the target that served the request (for spend and budgets). */
  price?: Price;
  tokens?: TokenUsage;
  imageBytesSaved: number;
  /** performance.now() when the upstream answer began (its headers), for time-to-first-byte. */
  firstByteAt?: number;
  /** Status to count instead of the HTTP status of a finished response (502 for a stream that failed after 200). */
  status?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    accounting?: RequestAccounting;
  }
}

/** The accounting record of `req`, created on first use. */
export function accountingOf(req: FastifyRequest): RequestAccounting {
  req.accounting ??= { imageBytesSaved: 0 };
  return req.accounting;
}

// The client API under its three prefixes; model listings are not usage.
const COUNTED = /^\/(v1|openai)\//;
const LISTING = /^\/(v1|openai(\/v1)?)\/models(\/|\?|$)/;

/** True for a request path the usage statistics count. */
export function isCountedPath(url: string): boolean {
  return COUNTED.test(url) && !LISTING.test(url);
}

/**
 * Counts every request of the client API once its response closes. Must be registered before
 * any hook that can refuse a request, so refusals are counted too.
 */
export function registerUsageAccounting(
  app: FastifyInstance,
  usage: UsageStats,
  governance?: GovernanceState,
  prometheus?: PrometheusMetrics,
): void {
  app.addHook('onRequest', (req, reply, done) => {
    if (isCountedPath(req.url)) {
      const started = performance.now();
      reply.raw.once('close', () => {
        record(usage, governance, req, reply, performance.now() - started);
        const acc = req.accounting;
        if (prometheus && acc?.firstByteAt !== undefined && acc.target !== undefined)
          prometheus.observeFirstByte(acc.model ?? '(none)', acc.target, (acc.firstByteAt - started) / 1000);
      });
    }
    done();
  });
}

/** One finished call as the statistics and governance see it (HTTP requests and realtime sessions alike). */
export interface FinishedCall {
  acc: RequestAccounting;
  keyId: string;
  ticket?: Ticket;
  /** The status to count; 0 for a client that left. */
  status: number;
  latencyMs: number;
}

/** Settles the call's ticket and records it: the one place usage and spend are written. */
export function recordCall(usage: UsageStats, governance: GovernanceState | undefined, call: FinishedCall): void {
  const { acc } = call;
  // The same single point settles the request's limits and spend (docs/governance.md).
  if (call.ticket && governance)
    settleRequest(governance, call.ticket, {
      usage: acc.tokens,
      price: acc.price,
      reachedUpstream: acc.target !== undefined,
    });
  usage.record({
    cost: costOf(acc.tokens, acc.price),
    model: acc.model ?? '(none)',
    keyId: call.keyId,
    target: acc.target,
    status: call.status,
    latencyMs: call.latencyMs,
    usage: acc.tokens,
    imageBytesSaved: acc.imageBytesSaved,
  });
}

// 'close' follows 'finish' for a complete response, and comes alone when the client left first.
function record(
  usage: UsageStats,
  governance: GovernanceState | undefined,
  req: FastifyRequest,
  reply: FastifyReply,
  latencyMs: number,
): void {
  const acc = accountingOf(req);
  recordCall(usage, governance, {
    acc,
    keyId: req.caller?.kind === 'client' ? req.caller.entry.id : '(unauthenticated)',
    ticket: req.governance,
    status: reply.raw.writableFinished ? (acc.status ?? reply.statusCode) : 0,
    latencyMs,
  });
}
