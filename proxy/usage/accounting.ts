/**
 * Every /v1 request is counted once in the usage statistics — gateway errors (401, 404, 413,
 * 502, 504…) as well as relayed answers — so operators see failures where they look for them.
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
import type { GovernanceState } from '../governance/state.js';

/** What is known about a request for the statistics. */
export interface RequestAccounting {
  model?: string;
  target?: string;
  /** Price of the target that served the request (for spend and budgets). */
  price?: Price;
  tokens?: TokenUsage;
  imageBytesSaved: number;
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

/**
 * Counts every request under /v1/ once its response closes (model listings are not usage). Must
 * be registered before any hook that can refuse a request, so refusals are counted too.
 */
export function registerUsageAccounting(app: FastifyInstance, usage: UsageStats, governance?: GovernanceState): void {
  app.addHook('onRequest', (req, reply, done) => {
    if (req.url.startsWith('/v1/') && !req.url.startsWith('/v1/models')) {
      const started = performance.now();
      reply.raw.once('close', () => record(usage, governance, req, reply, performance.now() - started));
    }
    done();
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
  // The same single point settles the request's limits and spend (docs/governance.md).
  if (req.governance && governance)
    settleRequest(governance, req.governance, {
      usage: acc.tokens,
      price: acc.price,
      reachedUpstream: acc.target !== undefined,
    });
  usage.record({
    cost: costOf(acc.tokens, acc.price),
    model: acc.model ?? '(none)',
    keyId: req.caller?.kind === 'client' ? req.caller.entry.id : '(unauthenticated)',
    target: acc.target,
    status: reply.raw.writableFinished ? (acc.status ?? reply.statusCode) : 0,
    latencyMs,
    usage: acc.tokens,
    imageBytesSaved: acc.imageBytesSaved,
  });
}
