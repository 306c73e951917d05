/**
 * The relay for a model whose route maps Chat Completions to a Responses deployment or the
 * reverse (`models[].routes`, e.g. `"*": "responses"`): the request body is translated before
 * it goes upstream, and the answer — JSON or stream — is translated back, so the client gets
 * exactly the API it called (proxy/translate/*, docs/translation.md). Upstream errors before
 * the first byte pass through unchanged, as everywhere else.
 */
import type { FastifyReply } from 'fastify';
import type { RouteKey } from '../../common/config/schema.js';
import { chatRequestToResponses, chatWantsStreamUsage } from '../translate/chat-to-responses-request.js';
import { responsesRequestToChat } from '../translate/responses-to-chat-request.js';
import { responsesResponseToChat } from '../translate/responses-to-chat-response.js';
import { chatCompletionToResponse } from '../translate/chat-to-responses-response.js';
import { ResponsesToChatStream } from '../translate/responses-stream-to-chat.js';
import { ChatToResponsesStream } from '../translate/chat-stream-to-responses.js';
import type { UpstreamEvent } from '../translate/sse-frames.js';
import { extractUsage } from '../usage/extract.js';
import { clientResponseHeaders } from '../upstream/forward-headers.js';
import { bufferedExchange, readBody } from '../upstream/read-body.js';
import type { UpstreamExchange } from '../upstream/call.js';
import { relayJson, type RelayHooks, type RelayOutcome } from './response-relay.js';
import { relayEventStream, type EventTransform } from './event-stream.js';
import { InvalidParameterError } from '../errors.js';
import { parseJsonData } from './sse-events.js';

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
  push(e: UpstreamEvent): string[];
  end(): string[];
  readonly usage: unknown;
}

/** Relays a translated answer; `clientBody` is the request as the client sent it. */
export async function relayTranslated(
  kind: Translation,
  exchange: UpstreamExchange,
  reply: FastifyReply,
  upstreamName: string,
  clientBody: Record<string, unknown>,
  hooks: RelayHooks,
): Promise<RelayOutcome> {
  const contentType = String(exchange.headers['content-type'] ?? '');
  // Errors (and anything not a success) pass through as Azure sent them.
  if (exchange.statusCode >= 300) return relayJson(exchange, reply, upstreamName, hooks);
  if (contentType.startsWith('text/event-stream')) {
    const converter: Converter =
      kind === 'chat-to-responses'
        ? new ResponsesToChatStream({ includeUsage: chatWantsStreamUsage(clientBody) })
        : new ChatToResponsesStream({ request: clientBody });
    const end = await relayEventStream(exchange, reply, converting(converter, hooks), hooks);
    return { streamed: true, end };
  }
  const body = await readBody(exchange, upstreamName);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return relayJson(bufferedExchange(exchange, body), reply, upstreamName, hooks);
  }
  const usage = extractUsage(parsed);
  if (usage) hooks.onUsage?.(usage);
  // The trace reads the upstream's own answer: its model, id and finish reason or status.
  hooks.onAnswer?.(parsed);
  const headers = clientResponseHeaders(exchange.headers);
  if (kind === 'chat-to-responses') {
    const answer = responsesResponseToChat(parsed);
    void reply
      .code(answer.ok ? 200 : answer.status)
      .headers(headers)
      .type('application/json')
      .send(answer.ok ? answer.value : answer.body);
    return { streamed: false, end: 'complete' };
  }
  void reply.code(200).headers(headers).type('application/json').send(chatCompletionToResponse(parsed, clientBody));
  return { streamed: false, end: 'complete' };
}

// Upstream events go through the converter; its frames go to the client as they come. A dropped
// upstream ends the converter like an end of stream: it then emits the API's own error event
// instead of a completion (it knows whether the answer was complete).
function converting(converter: Converter, hooks: RelayHooks): EventTransform {
  let reported: unknown = null;
  const { onAnswer } = hooks;
  return {
    events: {
      convert: (e) => {
        // Parsed a second time only while traced, and only the few events that say how it ended.
        if (onAnswer && tellsOutcome(e)) onAnswer(parseJsonData(e));
        const frames = converter.push(e);
        // The converter keeps the upstream's usage once it arrived: report it as soon as it changes.
        if (converter.usage !== reported) {
          reported = converter.usage;
          const usage = extractUsage({ usage: reported });
          if (usage) hooks.onUsage?.(usage);
        }
        return frames;
      },
    },
    contentType: 'text/event-stream; charset=utf-8',
    end: () => converter.end(),
  };
}

// The upstream events that say how its answer ended, for the trace: a Responses stream's final
// event (named by its `event:` line, or failing that its `type`), or a chat chunk with a finish
// reason or the usage (which names the model).
const RESPONSES_END = /^response\.(completed|incomplete|failed)$/;
const RESPONSES_END_TYPE = /"type"\s*:\s*"response\.(completed|incomplete|failed)"/;
const CHAT_END = /"finish_reason"\s*:\s*"|"usage"\s*:\s*\{/;

function tellsOutcome(e: UpstreamEvent): boolean {
  if (e.event) return RESPONSES_END.test(e.event);
  return CHAT_END.test(e.data) || RESPONSES_END_TYPE.test(e.data);
}
