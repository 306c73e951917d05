/**
 * Sending an upstream answer to the client. Event streams go through the SSE tap event by event
 * as they arrive (usage read on the side, the proxy's own usage chunk dropped); an upstream
 * failure mid-stream ends the stream with an error event the OpenAI SDKs raise. Plain JSON
 * answers pass through with their status, and their usage is read once they are complete.
 */
import { Readable, pipeline } from 'node:stream';
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import type { RouteKey } from '../../common/config/schema.js';
import { SseTap, parseJsonData, type SseEvent } from './sse-events.js';
import { extractUsage, type TokenUsage } from '../usage/extract.js';
import { isUsageOnlyChunk } from './stream-usage.js';
import { describeTransportError, isTimeout, toGatewayError, type UpstreamExchange } from '../upstream/call.js';
import { clientResponseHeaders } from '../upstream/forward-headers.js';
import { UpstreamCredentialError } from '../errors.js';

/** How a relayed response ended. */
export interface RelayOutcome {
  streamed: boolean;
  end: 'complete' | 'client_aborted' | 'upstream_error';
  usage?: TokenUsage;
}

// Only events that can carry token counts are parsed; the rest pass by as bytes.
const CARRIES_USAGE = /"usage"\s*:\s*\{/;
/** Largest JSON answer the proxy reads whole (a few images in b64_json fit easily). */
export const MAX_JSON_BODY_BYTES = 256 * 1024 * 1024;

/** Reads a (non-stream) upstream body whole; transport failures become 502/504 errors. */
export async function readBody(exchange: UpstreamExchange, upstreamName = 'upstream'): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of exchange.body) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > MAX_JSON_BODY_BYTES) throw new Error(`answer larger than ${MAX_JSON_BODY_BYTES} bytes`);
      chunks.push(buf);
    }
  } catch (err) {
    throw toGatewayError(upstreamName, exchange.signal.aborted ? (exchange.signal.reason ?? err) : err);
  }
  return Buffer.concat(chunks, size);
}

/** Relays a non-stream answer (success or upstream error) with its status and body unchanged. */
export async function relayJson(exchange: UpstreamExchange, reply: FastifyReply, upstreamName: string, alreadyRead?: Buffer, onResponseId?: (id: string) => void): Promise<RelayOutcome> {
  const body = alreadyRead ?? (await readBody(exchange, upstreamName));
  // Headers only once the body is in hand: a failed read answers 502 without Azure's headers.
  void reply.code(exchange.statusCode).headers(clientResponseHeaders(exchange.headers));
  let usage: TokenUsage | undefined;
  if (exchange.statusCode < 300 && (onResponseId || CARRIES_USAGE.test(body.toString('latin1', Math.max(0, body.length - 4096))))) {
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      usage = extractUsage(parsed);
      const id = (parsed as { id?: unknown } | null)?.id;
      if (onResponseId && typeof id === 'string') onResponseId(id);
    } catch {
      // Not JSON after all: relay as is, count no tokens.
    }
  }
  void reply.send(body);
  return { streamed: false, end: 'complete', usage };
}

interface StreamOptions {
  route: RouteKey;
  dropUsageChunk: boolean;
  log: FastifyBaseLogger;
  /** Called with the response id of a Responses API stream (from `response.created`). */
  onResponseId?: (id: string) => void;
}

/** The event that tells an OpenAI SDK the stream failed (each API has its own form). */
export function streamErrorEvent(route: RouteKey, message: string, code: string): string {
  if (route === 'responses') {
    return `event: error\ndata: ${JSON.stringify({ type: 'error', code, message, param: null })}\n\n`;
  }
  return `data: ${JSON.stringify({ error: { message, type: 'api_error', param: null, code } })}\n\n`;
}

/** Relays an event stream; resolves when it has ended one way or another. */
export function relayStream(exchange: UpstreamExchange, reply: FastifyReply, opts: StreamOptions): Promise<RelayOutcome> {
  void reply.code(exchange.statusCode).headers(clientResponseHeaders(exchange.headers)).header('cache-control', 'no-cache').header('x-accel-buffering', 'no');
  let usage: TokenUsage | undefined;
  const tap = new SseTap({
    // Framing mode always: on an upstream failure only whole events have reached the client,
    // so the error event that follows can never be glued to half an event.
    drop: (e: SseEvent) => {
      if (opts.onResponseId && e.event === 'response.created') {
        const id = (parseJsonData(e) as { response?: { id?: unknown } } | undefined)?.response?.id;
        if (typeof id === 'string') opts.onResponseId(id);
      }
      // A cheap substring test first: most events are content deltas without usage.
      if (!e.data.includes('"usage"') || !CARRIES_USAGE.test(e.data)) return false;
      const parsed = parseJsonData(e);
      const found = extractUsage(parsed);
      if (found) usage = found;
      return opts.dropUsageChunk && isUsageOnlyChunk(e, parsed);
    },
  });
  pipeline(exchange.body, tap, () => undefined);

  return new Promise<RelayOutcome>((resolvePromise) => {
    let settled = false;
    const resolve = (outcome: RelayOutcome) => {
      if (settled) return;
      settled = true;
      resolvePromise(outcome);
    };
    async function* events(): AsyncGenerator<Buffer | string> {
      let end: RelayOutcome['end'] = 'complete';
      try {
        for await (const chunk of tap) yield chunk as Buffer;
      } catch (err) {
        if (exchange.signal.aborted && !isTimeout(exchange.signal.reason)) {
          end = 'client_aborted';
        } else {
          end = 'upstream_error';
          const reason = exchange.signal.aborted ? exchange.signal.reason : err;
          const message = `The upstream stream failed: ${describeTransportError(reason)}`;
          opts.log.warn({ err: describeTransportError(reason) }, 'upstream failed mid-stream');
          yield streamErrorEvent(opts.route, message, isTimeout(reason) ? 'upstream_timeout' : 'upstream_stream_error');
        }
      } finally {
        if (reply.raw.destroyed && !reply.raw.writableFinished && end === 'complete') end = 'client_aborted';
        resolve({ streamed: true, end, usage });
      }
    }
    const out = Readable.from(events(), { objectMode: false });
    // A client that leaves before the first read never starts the generator: settle here too,
    // and make sure the upstream request is torn down.
    out.once('close', () => {
      if (settled) return;
      exchange.body.destroy();
      resolve({ streamed: true, end: 'client_aborted', usage });
    });
    void reply.send(out);
  });
}

/** The 502 for an upstream that refused the gateway's credential (401/403), with Azure's reason. */
export function upstreamAuthFailure(upstreamName: string, status: number, bodyText: string): Error {
  let reason = bodyText.slice(0, 300);
  try {
    const parsed = JSON.parse(bodyText) as { error?: { message?: unknown } };
    if (typeof parsed.error?.message === 'string') reason = parsed.error.message;
  } catch {
    // Not JSON: keep the start of the text.
  }
  return new UpstreamCredentialError(upstreamName, `the upstream answered ${status}: ${reason}`);
}
