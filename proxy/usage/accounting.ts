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
import type { RequestLog } from '../observe/request-log.js';

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
  /** The OpenAI error code of the gateway's own error answer, for the request log. */
  error?: string;
  /**
   * The target that refused the request without being called (cooling down after a 429, circuit
   * open): throttling is credited to it in the log and the statistics, though nothing was sent.
   */
  refusedBy?: string;
}

/** Where finished calls are written: usage statistics, governance settlement, the request log. */
export interface CallSinks {
  usage: UsageStats;
  governance?: GovernanceState;
  requests?: RequestLog;
  prometheus?: PrometheusMetrics;
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

// Probes and health checks are not client requests: the log would drown in Caddy's checks.
const NOT_LOGGED = /^\/(healthz|readyz)(\?|$)/;

/**
 * Counts every request of the client API once its response closes, and logs every client
 * request (model listings too) in the request log; then hands the closed request to `onClosed`
 * (the telemetry's trace). Must be registered before any hook that can refuse a request, so
 * refusals are counted too.
 */
export function registerUsageAccounting(
  app: FastifyInstance,
  sinks: CallSinks,
  onClosed?: (req: FastifyRequest, reply: FastifyReply, latencyMs: number) => void,
): void {
  // Declared on every request, so a request's shape does not depend on which hooks filled it.
  app.decorateRequest('accounting', undefined);
  app.addHook('onRequest', (req, reply, done) => {
    if (!NOT_LOGGED.test(req.url)) {
      const started = performance.now();
      reply.raw.once('close', () => {
        const latencyMs = performance.now() - started;
        record(sinks, req, reply, latencyMs);
        onClosed?.(req, reply, latencyMs);
        const acc = req.accounting;
        if (sinks.prometheus && acc?.firstByteAt !== undefined && acc.target !== undefined)
          sinks.prometheus.observeFirstByte(acc.model ?? '(none)', acc.target, (acc.firstByteAt - started) / 1000);
      });
    }
    done();
  });
}

/** Notes what the error answer of a request says about it (its code; a target that refused it). */
export function noteErrorAnswer(acc: RequestAccounting, err: unknown, code: string | null): void {
  if (code !== null) acc.error = code;
  const refusedBy = (err as { refusedBy?: unknown }).refusedBy;
  if (typeof refusedBy === 'string' && acc.target === undefined) acc.refusedBy = refusedBy;
}

/** One finished call as the statistics and governance see it (HTTP requests and realtime sessions alike). */
export interface FinishedCall {
  acc: RequestAccounting;
  keyId: string;
  ticket?: Ticket;
  /** The status to count; 0 for a client that left. */
  status: number;
  latencyMs: number;
  /** The request as the request log shows it. */
  request: { id: string; method: string; path: string };
  /** False for a request the statistics do not count (a model listing): it is only logged. */
  counted?: boolean;
}

/** Settles the call's ticket and records it: the one place usage, spend and the request log are written. */
export function recordCall(sinks: CallSinks, call: FinishedCall): void {
  const { acc } = call;
  const { usage, governance } = sinks;
  const model = acc.model ?? '(none)';
  const target = acc.target ?? acc.refusedBy;
  // One timestamp for both, so the log and the statistics put the request in the same bucket.
  const at = Date.now();
  sinks.requests?.add({
    at,
    id: call.request.id,
    method: call.request.method,
    path: call.request.path,
    keyId: call.keyId,
    model,
    target: target ?? '',
    status: call.status,
    ms: call.latencyMs,
    ...(acc.error !== undefined ? { error: acc.error } : {}),
    upstream: acc.target !== undefined,
    ...(acc.tokens !== undefined ? { totalTokens: acc.tokens.total } : {}),
    counted: call.counted !== false,
  });
  if (call.counted === false) return;
  // The same single point settles the request's limits and spend (docs/governance.md).
  if (call.ticket && governance)
    settleRequest(governance, call.ticket, {
      usage: acc.tokens,
      price: acc.price,
      reachedUpstream: acc.target !== undefined,
    });
  usage.record({
    at,
    cost: costOf(acc.tokens, acc.price),
    model,
    keyId: call.keyId,
    target,
    status: call.status,
    latencyMs: call.latencyMs,
    usage: acc.tokens,
    imageBytesSaved: acc.imageBytesSaved,
  });
}

// 'close' follows 'finish' for a complete response, and comes alone when the client left first.
function record(sinks: CallSinks, req: FastifyRequest, reply: FastifyReply, latencyMs: number): void {
  const acc = accountingOf(req);
  recordCall(sinks, {
    acc,
    keyId: req.caller?.kind === 'client' ? req.caller.entry.id : '(unauthenticated)',
    ticket: req.governance,
    status: reply.raw.writableFinished ? (acc.status ?? reply.statusCode) : 0,
    latencyMs,
    request: { id: req.id, method: req.method, path: req.url.split('?')[0] ?? '' },
    counted: isCountedPath(req.url),
  });
}
