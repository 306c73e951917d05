/**
 * The relay for a model whose route maps Chat Completions to a Responses deployment or the
 * reverse (`models[].routes`, e.g. `"*": "responses"`): the request body is translated before
 * it goes upstream, and the answer — JSON or stream — is translated back, so the client gets
 * exactly the API it called (proxy/translate/*, docs/translation.md). Upstream errors before
 * the first byte pass through unchanged, as everywhere else.
 */
import { Readable, pipeline } from 'node:stream';
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import type { RouteKey } from '../../common/config/schema.js';
import { SseTap } from './sse-events.js';
import { chatRequestToResponses, chatWantsStreamUsage } from '../translate/chat-to-responses-request.js';
import { responsesRequestToChat } from '../translate/responses-to-chat-request.js';
import { responsesResponseToChat } from '../translate/responses-to-chat-response.js';
import { chatCompletionToResponse } from '../translate/chat-to-responses-response.js';
import { ResponsesToChatStream } from '../translate/responses-stream-to-chat.js';
import { ChatToResponsesStream } from '../translate/chat-stream-to-responses.js';
import { extractUsage } from '../usage/extract.js';
import { clientResponseHeaders } from '../upstream/forward-headers.js';
import { readBody, relayJson, type RelayOutcome } from './response-relay.js';
import { describeTransportError, type UpstreamExchange } from '../upstream/call.js';
import { InvalidParameterError } from '../errors.js';

/** Which way a request is translated, if at all. */
export type Translation = 'chat-to-responses' | 'responses-to-chat';

/** The translation a client route needs for an upstream route. */
export function translationFor(route: RouteKey, upstreamRoute: RouteKey | undefined): Translation | undefined {
  if (route === 'chat/completions' && upstreamRoute === 'responses') return 'chat-to-responses';
  if (route === 'responses' && upstreamRoute === 'chat/completions') return 'responses-to-chat';
  return undefined;
}

/** The upstream body for a client body; a parameter that cannot be carried is a 400 naming it. */
export function translateRequest(kind: Translation, body: Record<string, unknown>): Record<string, unknown> {
  const result = kind === 'chat-to-responses' ? chatRequestToResponses(body) : responsesRequestToChat(body);
  if (!result.ok) throw InvalidParameterError(result.message, result.param, result.code);
  return result.value;
}

interface Converter {
  push(e: { event?: string; data: string }): string[];
  end(): string[];
  readonly usage: unknown;
}

/** Relays a translated answer; `clientBody` is the request as the client sent it. */
export async function relayTranslated(kind: Translation, exchange: UpstreamExchange, reply: FastifyReply, upstreamName: string, clientBody: Record<string, unknown>, log: FastifyBaseLogger, alreadyRead?: Buffer): Promise<RelayOutcome> {
  const contentType = String(exchange.headers['content-type'] ?? '');
  // Errors (and anything not a success) pass through as Azure sent them.
  if (exchange.statusCode >= 300) return relayJson(exchange, reply, upstreamName, alreadyRead);
  if (contentType.startsWith('text/event-stream')) {
    const converter: Converter = kind === 'chat-to-responses' ? new ResponsesToChatStream({ includeUsage: chatWantsStreamUsage(clientBody) }) : new ChatToResponsesStream({ request: clientBody });
    return relayConvertedStream(exchange, reply, converter, log);
  }
  const body = alreadyRead ?? (await readBody(exchange, upstreamName));
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return relayJson(exchange, reply, upstreamName, body);
  }
  const headers = clientResponseHeaders(exchange.headers);
  if (kind === 'chat-to-responses') {
    const answer = responsesResponseToChat(parsed);
    void reply.code(answer.ok ? 200 : answer.status).headers(headers).type('application/json').send(answer.ok ? answer.value : answer.body);
    return { streamed: false, end: 'complete', usage: extractUsage(parsed) };
  }
  void reply.code(200).headers(headers).type('application/json').send(chatCompletionToResponse(parsed, clientBody));
  return { streamed: false, end: 'complete', usage: extractUsage(parsed) };
}

// Upstream events go through the SSE tap into the converter; its frames go to the client as
// they come. A dropped upstream ends the converter like an end of stream: it then emits the
// API's own error event instead of a completion (it knows whether the answer was complete).
function relayConvertedStream(exchange: UpstreamExchange, reply: FastifyReply, converter: Converter, log: FastifyBaseLogger): Promise<RelayOutcome> {
  const headers = clientResponseHeaders(exchange.headers);
  delete headers['content-length'];
  void reply.code(200).headers(headers).header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-cache').header('x-accel-buffering', 'no');
  const pending: string[] = [];
  const tap = new SseTap({ onEvent: (e) => pending.push(...converter.push({ event: e.event, data: e.data })) });
  pipeline(exchange.body, tap, () => undefined);
  return new Promise<RelayOutcome>((resolve) => {
    let settled = false;
    const settle = (end: RelayOutcome['end']) => {
      if (settled) return;
      settled = true;
      resolve({ streamed: true, end, usage: extractUsage({ usage: converter.usage }) });
    };
    async function* frames(): AsyncGenerator<string> {
      let end: RelayOutcome['end'] = 'complete';
      try {
        for await (const _ of tap) {
          void _;
          while (pending.length) yield pending.shift()!;
        }
      } catch (err) {
        if (exchange.signal.aborted && !reply.raw.writable) {
          end = 'client_aborted';
        } else {
          end = 'upstream_error';
          log.warn({ err: describeTransportError(exchange.signal.aborted ? exchange.signal.reason : err) }, 'upstream failed mid-stream (translated)');
        }
      }
      try {
        if (end !== 'client_aborted') for (const f of converter.end()) yield f;
      } finally {
        settle(end);
      }
    }
    const out = Readable.from(frames());
    out.once('close', () => {
      if (settled) return;
      exchange.body.destroy();
      settle('client_aborted');
    });
    void reply.send(out);
  });
}
