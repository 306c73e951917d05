/**
 * A refused admission as the client sees it: HTTP 429 in OpenAI's shape, `rate_limit_exceeded`
 * for minute limits and concurrency, `insufficient_quota` for day/month quotas and budgets, a
 * message naming the limit, its value and when it resets, and an exact `retry-after`.
 */
import { LimitExceededError, QuotaExceededError } from '../errors.js';
import type { Refusal } from './state.js';

const NAMES: Record<Refusal['limit'], string> = {
  requestsPerMinute: 'requests per minute',
  tokensPerMinute: 'tokens per minute',
  tokensPerDay: 'tokens per day (UTC)',
  tokensPerMonth: 'tokens per month (UTC)',
  maxConcurrent: 'concurrent requests',
  budget: 'budget',
};

function when(retryAfterMs: number, now: number): string {
  if (retryAfterMs < 120_000) return `in ${Math.max(1, Math.ceil(retryAfterMs / 1000))}s`;
  return `at ${new Date(now + retryAfterMs).toISOString()}`;
}

/** The message for a refusal. */
export function refusalMessage(r: Refusal, currency: string): string {
  const now = r.at;
  const name = NAMES[r.limit];
  if (r.retryAfterMs === Infinity && r.limit !== 'budget') {
    return `Request too large for ${r.scope.label} on ${name}: limit ${r.value}, requested ${r.requested} tokens (prompt estimate + max output). Send a smaller request or a lower max_tokens.`;
  }
  if (r.limit === 'budget') {
    const period = r.scope.budget?.period ?? 'month';
    const resets =
      r.retryAfterMs === Infinity
        ? 'It does not reset (a total budget): ask an operator to raise it.'
        : `It resets ${when(r.retryAfterMs, now)}.`;
    return `Budget exhausted for ${r.scope.label}: its ${period === 'total' ? 'total' : `${period}ly`} budget of ${r.value} ${currency} is spent. ${resets}`;
  }
  if (r.code === 'insufficient_quota')
    return `Quota exceeded for ${r.scope.label} on ${name}: limit ${r.value}. It resets ${when(r.retryAfterMs, now)}.`;
  return `Rate limit reached for ${r.scope.label} on ${name}: limit ${r.value}. Please try again ${when(r.retryAfterMs, now)}.`;
}

/** The error to throw for a refusal (the error handler writes it). */
export function refusalError(r: Refusal, currency: string, headers: Record<string, string>): Error {
  const message = refusalMessage(r, currency);
  const err = r.code === 'insufficient_quota' ? new QuotaExceededError(message) : new LimitExceededError(message);
  const retry: Record<string, string> = Number.isFinite(r.retryAfterMs)
    ? {
        'retry-after': String(Math.max(1, Math.ceil(r.retryAfterMs / 1000))),
        'retry-after-ms': String(Math.ceil(r.retryAfterMs)),
      }
    : {};
  return Object.assign(err, {
    headers: { ...headers, ...retry },
    // Which limit refused it, for the request's trace (docs/telemetry.md).
    gatewayLimit: r.limit,
    openaiType:
      r.code === 'insufficient_quota' ? 'insufficient_quota' : r.limit.startsWith('tokens') ? 'tokens' : 'requests',
  });
}
