/**
 * An upstream try under the request's trace (docs/telemetry.md, "What is sent"): each call the
 * proxy makes upstream — a model call, an upload, a file or batch call, a realtime handshake, and
 * every failover or retry of them — is one attempt span, whose context goes upstream as
 * `traceparent`. Only called while telemetry is on; off, the hubs call upstream directly.
 */
import type { FailoverContext } from '../targets/failover.js';
import type { ResolvedTarget } from '../targets/model-catalog.js';
import { targetKey } from '../targets/target-order.js';
import type { UpstreamExchange } from '../upstream/call.js';
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

/**
 * Failover's `attempt` and `observe` for a traced request: every target tried is its own span,
 * and targets passed over or cooled down are noted on the request's span.
 */
export function tracedFailover<E extends UpstreamExchange>(
  trace: RequestTrace,
  send: (target: ResolvedTarget, traceHeaders: TraceHeaders) => Promise<E>,
): Pick<FailoverContext<E>, 'attempt' | 'observe'> {
  return {
    attempt: (target) =>
      tracedAttempt(
        trace,
        { upstream: target.upstream.name, deployment: target.deployment, key: targetKey(target) },
        (headers) => send(target, headers),
      ),
    observe: { skipped: trace.skippedTarget.bind(trace), cooledDown: trace.cooledDown.bind(trace) },
  };
}
