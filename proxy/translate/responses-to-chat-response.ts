/**
 * A Responses `response` object (JSON answer) → a `chat.completion` object. Text comes from the
 * `output_text` parts of message items (reasoning items are skipped: chat has no place for
 * them), each `function_call` item becomes a tool call whose id is the item's `call_id` (the id
 * the client sends back in its tool message), and a failed response becomes an error.
 * https://platform.openai.com/docs/api-reference/responses/object
 */
import { isRecord, num, str, type JsonObject } from './json.js';
import { failureOf, finishReasonOf, type TranslatedFailure } from './responses-outcome.js';
import { responsesUsageToChat } from './usage.js';

/** A translated answer: the chat completion, or the error the client must get instead. */
export type AnswerTranslation = { ok: true; value: Record<string, unknown> } | ({ ok: false } & TranslatedFailure);

/** The chat message a response's output items make. */
function messageOf(output: unknown[]): JsonObject {
  let text: string | null = null;
  let refusal: string | null = null;
  const toolCalls: JsonObject[] = [];
  for (const item of output.filter(isRecord)) {
    if (item.type === 'message' && Array.isArray(item.content)) {
      for (const part of item.content.filter(isRecord)) {
        if (part.type === 'output_text') text = (text ?? '') + (str(part.text) ?? '');
        else if (part.type === 'refusal') refusal = (refusal ?? '') + (str(part.refusal) ?? '');
      }
    } else if (item.type === 'function_call') {
      toolCalls.push({
        id: str(item.call_id) ?? str(item.id) ?? '',
        type: 'function',
        function: { name: str(item.name) ?? '', arguments: str(item.arguments) ?? '' },
      });
    }
  }
  const message: JsonObject = { role: 'assistant', content: text, refusal, annotations: [] };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

/** Translates a Responses answer into a chat completion, or the error a failed response stands for. */
export function responsesResponseToChat(response: Record<string, unknown>): AnswerTranslation {
  const failure = failureOf(response);
  if (failure) return { ok: false, ...failure };
  const message = messageOf(Array.isArray(response.output) ? response.output : []);
  const completion: JsonObject = {
    id: str(response.id) ?? '',
    object: 'chat.completion',
    created: num(response.created_at) ?? Math.floor(Date.now() / 1000),
    model: str(response.model) ?? '',
    choices: [
      { index: 0, message, finish_reason: finishReasonOf(response, message.tool_calls !== undefined), logprobs: null },
    ],
    usage: responsesUsageToChat(response.usage),
  };
  if (typeof response.service_tier === 'string') completion.service_tier = response.service_tier;
  return { ok: true, value: completion };
}
