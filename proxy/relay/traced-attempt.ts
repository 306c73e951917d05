/**
 * An upstream try under the request's trace (docs/telemetry.md, "What is sent"): each call the
 * proxy makes upstream is one attempt span, whose context goes upstream as `traceparent`. Calls
 * that go through failover (model calls, uploads, realtime handshakes) are traced by failover
 * itself (targets/failover.ts); this wraps the single calls (files, batches, follow-ups). Only
 * called while telemetry is on; off, they call upstream directly.
 */
import type { RequestTrace } from '../telemetry/telemetry.js';

/** What an attempt span names: the upstream, the deployment (or what stands for it), the target key. */
export type AttemptTarget = Parameters<RequestTrace['attempt']>[0];

/** The W3C trace-context headers of one attempt. */
export type TraceHeaders = Readonly<Record<string, string>>;

/** Runs `send` as one upstream try under its own span, ended by the answer's status or the failure. */
export async function tracedAttempt<E extends { statusCode: number }>(
  trace: RequestTrace,
  target: AttemptTarget,
  send: (traceHeaders: TraceHeaders) => Promise<E>,
): Promise<E> {
  const a = trace.attempt(target);
  try {
    const exchange = await send(a.headers);
    a.answered(exchange.statusCode);
    return exchange;
  } catch (err) {
    a.failed(err);
    throw err;
  }
}
