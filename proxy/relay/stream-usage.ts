/**
 * Exact usage for streamed Chat Completions, the whole `stream_options` lifecycle. Azure reports
 * tokens in a stream only when asked (`stream_options.include_usage`), so the proxy asks on the
 * client's behalf, and the exchange it returns says so: the relay then drops that extra usage
 * chunk when the client did not ask for it. A deployment that rejects the parameter
 * (`unknown_parameter`) is sent the request once more without it, and remembered so it is not
 * asked again.
 */
import type { RouteKey } from '../../common/config/schema.js';
import type { SseEvent } from './sse-events.js';
import type { UpstreamExchange } from '../upstream/call.js';
import { bufferedExchange, readBody } from '../upstream/read-body.js';

/** An upstream exchange, and whether the proxy added `include_usage` to the request that produced it. */
export interface UsageExchange extends UpstreamExchange {
  /** The stream's usage-only chunk is the proxy's, not the client's: drop it. */
  usageInjected: boolean;
}

/** One request that may ask for stream usage. */
export interface StreamUsageRequest {
  body: Record<string, unknown>;
  /** The route and model allow asking (see {@link wantsStreamUsage}). */
  want: boolean;
  upstream: string;
  deployment: string;
  /** `upstream|deployment` pairs known to reject `stream_options`, shared by all requests. */
  rejecting: Set<string>;
  log: { warn(obj: object, msg: string): void };
  /** Sends a body to the target; called once, or twice after a rejection. */
  send(body: Record<string, unknown>): Promise<UpstreamExchange>;
}

/** True when a client call on `route` to a target on `upstreamRoute` may ask for stream usage. */
export function wantsStreamUsage(
  route: RouteKey,
  upstreamRoute: RouteKey | undefined,
  modelStreamUsage: boolean,
): boolean {
  // Only a real chat route is asked; a chat call mapped to /responses (or a raw path) is not.
  return route === 'chat/completions' && upstreamRoute === 'chat/completions' && modelStreamUsage;
}

/** Sends the request, asking for stream usage when wanted and accepted, retrying once without it after a rejection. */
export async function sendWithStreamUsage(req: StreamUsageRequest): Promise<UsageExchange> {
  const key = `${req.upstream}|${req.deployment}`;
  const body = req.want && !req.rejecting.has(key) ? withUsageAsked(req.body) : undefined;
  if (!body) return { ...(await req.send(req.body)), usageInjected: false };
  const exchange = await req.send(body);
  if (exchange.statusCode !== 400) return { ...exchange, usageInjected: true };
  const text = await readBody(exchange, req.upstream);
  if (!rejectsStreamOptions(text.toString('utf8'))) return { ...bufferedExchange(exchange, text), usageInjected: true };
  req.rejecting.add(key);
  req.log.warn(
    { upstream: req.upstream, deployment: req.deployment },
    'upstream rejects stream_options; retrying without it and not asking again',
  );
  const { stream_options: _asked, ...without } = body;
  return { ...(await req.send(without)), usageInjected: false };
}

// The body with include_usage added, or undefined when there is nothing to add: not a stream,
// or the client asked itself (then a rejection is the client's, and reaches it as Azure's 400).
function withUsageAsked(body: Record<string, unknown>): Record<string, unknown> | undefined {
  if (body.stream !== true) return undefined;
  const opts = body.stream_options;
  const existing = opts && typeof opts === 'object' ? (opts as Record<string, unknown>) : {};
  if (existing.include_usage === true) return undefined;
  return { ...body, stream_options: { ...existing, include_usage: true } };
}

/** True when an upstream 400 body says it does not know `stream_options`. */
export function rejectsStreamOptions(bodyText: string): boolean {
  return (
    /unknown_parameter|unrecognized request argument|not supported|unknown parameter/i.test(bodyText) &&
    bodyText.includes('stream_options')
  );
}

/**
 * The usage-only chunk OpenAI and Azure send last when include_usage is set:
 * `{"choices":[],"usage":{...}}`. Azure's content-filter chunks also have empty choices but no
 * usage, so both conditions are needed.
 */
export function isUsageOnlyChunk(e: SseEvent, parsed: unknown): boolean {
  if (e.event !== undefined && e.event !== 'message') return false;
  if (!parsed || typeof parsed !== 'object') return false;
  const p = parsed as { choices?: unknown; usage?: unknown };
  return Array.isArray(p.choices) && p.choices.length === 0 && !!p.usage && typeof p.usage === 'object';
}
