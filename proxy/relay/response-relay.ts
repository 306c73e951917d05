/**
 * Sending an upstream answer to the client as it is. Event streams go through the stream core
 * event by event as they arrive (usage read on the side, the proxy's own usage chunk dropped);
 * an upstream failure mid-stream ends the stream with an error event the OpenAI SDKs raise.
 * Plain JSON answers pass through with their status, and their usage is read once they are
 * complete. Any other successful body (speech audio, a file's content, a text transcript) is
 * piped through as it arrives, never held whole.
 */
import type { FastifyReply } from 'fastify';
import type { RouteKey } from '../../common/config/schema.js';
import { parseJsonData, type SseEvent } from './sse-events.js';
import { extractUsage, type TokenUsage } from '../usage/extract.js';
import { isUsageOnlyChunk } from './stream-usage.js';
import { isContentFilterOnlyChunk } from './content-filter-chunks.js';
import { relayEventStream, type StreamEnd, type StreamFailure, type StreamHooks } from './event-stream.js';
import type { UpstreamExchange } from '../upstream/call.js';
import { readBody } from '../upstream/read-body.js';
import { clientResponseHeaders } from '../upstream/forward-headers.js';

/** How a relayed response ended. */
export interface RelayOutcome {
  streamed: boolean;
  end: StreamEnd;
}

/** What a relay tells the request's hub as it learns it (at once: see StreamHooks). */
export interface RelayHooks extends StreamHooks {
  /** The answer's token usage, as soon as it is known (a stream may report it before it ends). */
  onUsage?: (usage: TokenUsage) => void;
  /** The id of a Responses API answer (the JSON body's, or a stream's `response.created`). */
  onResponseId?: (id: string) => void;
  /** A successful JSON answer, parsed (files and batches learn the ids they must pin). */
  onJson?: (parsed: unknown) => void;
  /**
   * A parsed answer, or a stream event that carries usage or a finish reason (set only while
   * telemetry traces the request: it costs a parse per such event).
   */
  onAnswer?: (parsed: unknown) => void;
}

/** How to relay a plain (untranslated) answer. */
export interface PlainRelayOptions extends RelayHooks {
  route: RouteKey;
  /** The proxy added `include_usage` to the request: the usage-only chunk is its own, not the client's. */
  dropUsageChunk: boolean;
  /** Remove Azure's content-filter-only chunks (`models[].dropContentFilterChunks`). */
  dropFilterChunks?: boolean;
}

// Only events that can carry token counts are parsed; the rest pass by as bytes.
const CARRIES_USAGE = /"usage"\s*:\s*\{/;

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\b/i;

/** Relays an answer as it is: an event stream through the stream core, JSON and errors whole, other bodies piped. */
export function relayAnswer(
  exchange: UpstreamExchange,
  reply: FastifyReply,
  upstreamName: string,
  opts: PlainRelayOptions,
): Promise<RelayOutcome> {
  const type = String(exchange.headers['content-type'] ?? '');
  if (exchange.statusCode >= 300 || exchange.buffered || JSON_TYPE.test(type))
    return relayJson(exchange, reply, upstreamName, opts);
  if (type.startsWith('text/event-stream')) return relayStream(exchange, reply, opts);
  return relayPiped(exchange, reply, opts);
}

/** Relays a non-stream answer (success or upstream error) with its status and body unchanged. */
export async function relayJson(
  exchange: UpstreamExchange,
  reply: FastifyReply,
  upstreamName: string,
  hooks: RelayHooks,
): Promise<RelayOutcome> {
  const body = await readBody(exchange, upstreamName);
  // Headers only once the body is in hand: a failed read answers 502 without Azure's headers.
  void reply.code(exchange.statusCode).headers(clientResponseHeaders(exchange.headers));
  const { onResponseId, onUsage, onJson, onAnswer } = hooks;
  if (
    exchange.statusCode < 300 &&
    (onResponseId ||
      onJson ||
      onAnswer ||
      (onUsage && CARRIES_USAGE.test(body.toString('latin1', Math.max(0, body.length - 4096)))))
  ) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      // Not JSON after all: relay as is, count no tokens.
    }
    const usage = extractUsage(parsed);
    if (usage) onUsage?.(usage);
    const id = (parsed as { id?: unknown } | null | undefined)?.id;
    if (onResponseId && typeof id === 'string') onResponseId(id);
    if (parsed !== undefined) onJson?.(parsed);
    if (parsed !== undefined) onAnswer?.(parsed);
  }
  void reply.send(body);
  return { streamed: false, end: 'complete' };
}

/** The event that tells an OpenAI SDK the stream failed (each API has its own form). */
export function streamErrorEvent(route: RouteKey, message: string, code: string): string {
  if (route === 'responses') {
    return `event: error\ndata: ${JSON.stringify({ type: 'error', code, message, param: null })}\n\n`;
  }
  return `data: ${JSON.stringify({ error: { message, type: 'api_error', param: null, code } })}\n\n`;
}

/** Relays an event stream unchanged but for the proxy's own usage chunk; resolves when it has ended one way or another. */
export async function relayStream(
  exchange: UpstreamExchange,
  reply: FastifyReply,
  opts: PlainRelayOptions,
): Promise<RelayOutcome> {
  const end = await relayEventStream(
    exchange,
    reply,
    { events: { drop: usageTap(opts) }, end: (failure) => closingFrames(opts.route, failure) },
    opts,
  );
  return { streamed: true, end };
}

/**
 * Pipes a non-event-stream body through as it arrives (its length kept, since its bytes are);
 * an upstream that breaks off cuts the client's response short, which its client sees as an
 * incomplete body.
 */
export function relayPiped(exchange: UpstreamExchange, reply: FastifyReply, hooks: RelayHooks): Promise<RelayOutcome> {
  const headers = clientResponseHeaders(exchange.headers);
  const length = exchange.headers['content-length'];
  if (typeof length === 'string') headers['content-length'] = length;
  void reply.code(exchange.statusCode).headers(headers);
  const source = exchange.body;
  return new Promise<RelayOutcome>((resolve) => {
    let failed = false;
    source.once('error', () => {
      if (reply.raw.destroyed) return;
      failed = true;
      hooks.log.warn('upstream failed mid-body');
      hooks.onUpstreamError?.();
    });
    reply.raw.once('close', () =>
      resolve({
        streamed: true,
        end: failed ? 'upstream_error' : reply.raw.writableFinished ? 'complete' : 'client_aborted',
      }),
    );
    void reply.send(source);
  });
}

// Watches each event for the response id and usage; true for an event to remove: the usage chunk
// the proxy asked for, or a content-filter-only chunk when the model says so.
function usageTap(opts: PlainRelayOptions): (e: SseEvent) => boolean {
  const { onResponseId, onUsage, dropUsageChunk, dropFilterChunks, onAnswer } = opts;
  return (e) => {
    if (onAnswer && e.data.includes('"finish_reason":"') && !CARRIES_USAGE.test(e.data)) onAnswer(parseJsonData(e));
    if (onResponseId && e.event === 'response.created') {
      const id = (parseJsonData(e) as { response?: { id?: unknown } } | undefined)?.response?.id;
      if (typeof id === 'string') onResponseId(id);
    }
    if (dropFilterChunks && e.data.includes('"prompt_filter_results"') && isContentFilterOnlyChunk(e, parseJsonData(e)))
      return true;
    // A cheap substring test first: most events are content deltas without usage.
    if (!e.data.includes('"usage"') || !CARRIES_USAGE.test(e.data)) return false;
    const parsed = parseJsonData(e);
    const found = extractUsage(parsed);
    if (found) onUsage?.(found);
    onAnswer?.(parsed);
    return dropUsageChunk && isUsageOnlyChunk(e, parsed);
  };
}

// A clean end needs nothing more; a failure gets the API's error event, and no [DONE].
function closingFrames(route: RouteKey, failure: StreamFailure | undefined): string[] {
  if (!failure) return [];
  return [
    streamErrorEvent(
      route,
      `The upstream stream failed: ${failure.message}`,
      failure.timeout ? 'upstream_timeout' : 'upstream_stream_error',
    ),
  ];
}
