/**
 * The Responses `response` object and its output items as this gateway builds them from a chat
 * answer, for both the JSON and the streamed form. Request fields are echoed the way the
 * Responses API echoes them, so SDK helpers (`responses.stream()`, `output_text`) and clients
 * that read `text.format` or `tools` back see what they sent.
 * https://platform.openai.com/docs/api-reference/responses/object
 */
import { isAbsent, isRecord, type JsonObject } from './json.js';

/** Where a translated response stands. */
export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

/** What the envelope is built from, besides the original request. */
export interface EnvelopeState {
  id: string;
  createdAt: number;
  model: string;
  status: ResponseStatus;
  output: JsonObject[];
  usage: JsonObject | null;
  incompleteReason?: 'max_output_tokens' | 'content_filter';
  error?: { code: string; message: string };
}

/** Ids derived from the upstream chat id, so every item of one answer is traceable to it. */
export const ids = {
  response: (chatId: string): string => `resp_${chatId}`,
  message: (chatId: string): string => `msg_${chatId}`,
  reasoning: (chatId: string): string => `rs_${chatId}`,
  functionCall: (chatId: string, index: number): string => `fc_${chatId}_${index}`,
};

/** An `output_text` content part. */
export function outputText(text: string): JsonObject {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

/** An assistant `message` output item with the given parts. */
export function messageItem(id: string, content: JsonObject[], status: string): JsonObject {
  return { id, type: 'message', status, role: 'assistant', content };
}

/** A `function_call` output item. */
export function functionCallItem(id: string, callId: string, name: string, args: string, status: string): JsonObject {
  return { id, type: 'function_call', status, arguments: args, call_id: callId, name };
}

/** A `reasoning` output item carrying the reasoning text some chat models return (`reasoning_content`). */
export function reasoningItem(id: string, text: string): JsonObject {
  return { id, type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text }] };
}

function echo(request: JsonObject, key: string, fallback: unknown): unknown {
  return isAbsent(request[key]) ? fallback : request[key];
}

/** The full `response` object for a state, echoing the client's Responses request. */
export function responseEnvelope(request: JsonObject, s: EnvelopeState): JsonObject {
  const reasoning = isRecord(request.reasoning) ? request.reasoning : {};
  const text = isRecord(request.text) ? request.text : {};
  return {
    id: s.id,
    object: 'response',
    created_at: s.createdAt,
    status: s.status,
    background: false,
    error: s.error ?? null,
    incomplete_details: s.incompleteReason ? { reason: s.incompleteReason } : null,
    instructions: echo(request, 'instructions', null),
    max_output_tokens: echo(request, 'max_output_tokens', null),
    model: s.model,
    output: s.output,
    parallel_tool_calls: echo(request, 'parallel_tool_calls', true),
    previous_response_id: null,
    reasoning: { effort: reasoning.effort ?? null, summary: null },
    service_tier: echo(request, 'service_tier', 'default'),
    // The chat backend keeps nothing that previous_response_id could later refer to.
    store: false,
    temperature: echo(request, 'temperature', 1),
    text: {
      format: text.format ?? { type: 'text' },
      ...(isAbsent(text.verbosity) ? {} : { verbosity: text.verbosity }),
    },
    tool_choice: echo(request, 'tool_choice', 'auto'),
    tools: echo(request, 'tools', []),
    top_p: echo(request, 'top_p', 1),
    truncation: 'disabled',
    usage: s.usage,
    user: echo(request, 'user', null),
    metadata: echo(request, 'metadata', {}),
  };
}
