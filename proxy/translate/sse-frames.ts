/** Server-sent event framing for the translated streams (https://html.spec.whatwg.org/multipage/server-sent-events.html). */

/** A data-only event, as chat completion streams are framed: `data: <json>\n\n`. */
export function dataFrame(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/** A typed event, as Responses streams are framed: `event: <type>\ndata: <json>\n\n`. */
export function eventFrame(type: string, payload: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`;
}

/** The sentinel that ends a chat completion stream; sent exactly once, after the last chunk. */
export const DONE_FRAME = 'data: [DONE]\n\n';

/** One upstream event as an SSE parser (e.g. proxy/relay/sse-events.ts) hands it over. */
export interface UpstreamEvent {
  /** The `event:` field, when the upstream sent one. */
  event?: string | undefined;
  /** The data lines joined with "\n". */
  data: string;
}
