/**
 * Every /v1 response is counted once in the usage statistics — gateway errors (401, 404, 413,
 * 502, 504…) as well as relayed answers — so operators see failures where they look for them.
 * Handlers fill in `request.accounting` as they learn the model, target and tokens; the
 * onResponse hook (or the relay, for a client that left mid-stream) records it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TokenUsage } from './extract.js';
import type { UsageStats } from './stats.js';

/** What is known about a request for the statistics. */
export interface RequestAccounting {
  model?: string;
  target?: string;
  tokens?: TokenUsage;
  imageBytesSaved: number;
  /** Status to count instead of the HTTP status (502 for a stream that failed after 200; 0 for a client that left). */
  status?: number;
  recorded: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    accounting?: RequestAccounting;
  }
}

/** The accounting record of `req`, created on first use. */
export function accountingOf(req: FastifyRequest): RequestAccounting {
  req.accounting ??= { imageBytesSaved: 0, recorded: false };
  return req.accounting;
}

/** Records `req` once; later calls do nothing. */
export function recordRequest(usage: UsageStats, req: FastifyRequest, httpStatus: number, latencyMs: number): void {
  const acc = accountingOf(req);
  if (acc.recorded) return;
  acc.recorded = true;
  const keyId = req.caller?.kind === 'client' ? req.caller.entry.id : '(unauthenticated)';
  usage.record({
    model: acc.model ?? '(none)',
    keyId,
    target: acc.target,
    status: acc.status ?? httpStatus,
    latencyMs,
    usage: acc.tokens,
    imageBytesSaved: acc.imageBytesSaved,
  });
}

/** Counts every response under /v1/ (health checks and listings of models are not usage). */
export function registerUsageAccounting(app: FastifyInstance, usage: UsageStats): void {
  app.addHook('onResponse', async (req, reply) => {
    // Model listings are not usage; everything else under /v1/ is (follow-ups on responses too).
    if (!req.url.startsWith('/v1/') || req.url.startsWith('/v1/models')) return;
    recordRequest(usage, req, reply.statusCode, reply.elapsedTime);
  });
}
