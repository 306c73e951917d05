/**
 * A `chat.completion` object (JSON answer) → a Responses `response` object. The first choice
 * becomes a reasoning item (when the model returned `reasoning_content`), a message item and one
 * `function_call` item per tool call (`call_id` = the chat tool call id); `finish_reason`
 * length / content_filter become `status: incomplete` with the matching `incomplete_details`.
 */
import { isRecord, num, str, type JsonObject } from './json.js';
import {
  functionCallItem,
  ids,
  messageItem,
  outputText,
  reasoningItem,
  responseEnvelope,
  type EnvelopeState,
} from './response-envelope.js';
import { chatUsageToResponses } from './usage.js';

/** The incomplete reason a chat finish_reason stands for, if the answer was cut short. */
export function incompleteReasonOf(finishReason: unknown): EnvelopeState['incompleteReason'] {
  if (finishReason === 'length') return 'max_output_tokens';
  if (finishReason === 'content_filter') return 'content_filter';
  return undefined;
}

/** Translates a chat completion into the `response` object answering the client's Responses `request`. */
export function chatCompletionToResponse(
  completion: Record<string, unknown>,
  request: Record<string, unknown>,
): Record<string, unknown> {
  const chatId = str(completion.id) ?? '';
  const choice = Array.isArray(completion.choices) ? completion.choices.find(isRecord) : undefined;
  const message = choice && isRecord(choice.message) ? choice.message : {};
  const incompleteReason = incompleteReasonOf(choice?.finish_reason);
  const output: JsonObject[] = [];
  const reasoning = str(message.reasoning_content);
  if (reasoning) output.push(reasoningItem(ids.reasoning(chatId), reasoning));
  const parts: JsonObject[] = [];
  const text = str(message.content);
  if (text) parts.push(outputText(text));
  const refusal = str(message.refusal);
  if (refusal) parts.push({ type: 'refusal', refusal });
  if (parts.length > 0)
    output.push(messageItem(ids.message(chatId), parts, incompleteReason ? 'incomplete' : 'completed'));
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls.filter(isRecord) : [];
  calls.forEach((call, i) => {
    const fn = isRecord(call.function) ? call.function : {};
    output.push(
      functionCallItem(
        ids.functionCall(chatId, i),
        str(call.id) ?? '',
        str(fn.name) ?? '',
        str(fn.arguments) ?? '',
        'completed',
      ),
    );
  });
  const state: EnvelopeState = {
    id: ids.response(chatId),
    createdAt: num(completion.created) ?? Math.floor(Date.now() / 1000),
    model: str(completion.model) ?? '',
    status: incompleteReason ? 'incomplete' : 'completed',
    output,
    usage: chatUsageToResponses(completion.usage),
  };
  if (incompleteReason) state.incompleteReason = incompleteReason;
  return responseEnvelope(request, state);
}
