/**
 * Exact usage for streamed Chat Completions. Azure reports tokens in a stream only when asked
 * (`stream_options.include_usage`), so the proxy asks on the client's behalf and removes the
 * extra usage chunk again when the client did not ask for it. Deployments that reject the
 * parameter (`unknown_parameter`) are remembered and not asked again.
 */
import type { SseEvent } from './sse-events.js';

/** Body fields of a chat request this module looks at. */
interface ChatBody {
  stream?: unknown;
  stream_options?: unknown;
}

/** What the proxy did to the request, so the response side can undo it. */
export interface StreamUsagePlan {
  /** The body to send upstream. */
  body: Record<string, unknown>;
  /** True when the proxy added include_usage and must drop the usage chunk from the client's stream. */
  dropUsageChunk: boolean;
  /** True when `stream_options` was touched, so an `unknown_parameter` rejection can be retried. */
  askedForUsage: boolean;
}

function clientAskedForUsage(body: ChatBody): boolean {
  const opts = body.stream_options;
  return !!opts && typeof opts === 'object' && (opts as { include_usage?: unknown }).include_usage === true;
}

/** Plans the request body for a chat stream (other requests pass through untouched). */
export function planStreamUsage(body: Record<string, unknown>, wantUsage: boolean): StreamUsagePlan {
  if (body.stream !== true || !wantUsage) return { body, dropUsageChunk: false, askedForUsage: false };
  if (clientAskedForUsage(body)) return { body, dropUsageChunk: false, askedForUsage: true };
  const existing = body.stream_options && typeof body.stream_options === 'object' ? (body.stream_options as Record<string, unknown>) : {};
  return { body: { ...body, stream_options: { ...existing, include_usage: true } }, dropUsageChunk: true, askedForUsage: true };
}

/** The same body without `stream_options`, for the retry after an `unknown_parameter` rejection. */
export function withoutStreamOptions(body: Record<string, unknown>): Record<string, unknown> {
  const { stream_options: _dropped, ...rest } = body;
  return rest;
}

/** True when an upstream 400 says it does not know `stream_options`. */
export function rejectsStreamOptions(status: number, bodyText: string): boolean {
  if (status !== 400) return false;
  return /unknown_parameter|unrecognized request argument|not supported|unknown parameter/i.test(bodyText) && bodyText.includes('stream_options');
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
