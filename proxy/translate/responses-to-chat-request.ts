/**
 * A Responses API request → a Chat Completions request, for a model whose deployment answers
 * only `/chat/completions`. State the chat API cannot hold — `previous_response_id`,
 * `conversation`, background runs, stored prompts and items, built-in tools — is a 400 naming
 * the field, never silently dropped (issue 8). The table is in docs/translation.md.
 */
import { isAbsent, isRecord, type JsonObject } from './json.js';
import { invalid, translate, unsupported, unsupportedValue, type TranslationResult } from './result.js';
import { responsesInputToMessages } from './responses-input-to-messages.js';
import { textFormatToResponseFormat } from './text-format.js';
import { responsesToolChoiceToChat, responsesToolsToChat } from './tools.js';

const API = 'Chat Completions';

/** Parameters with the same name and meaning in both APIs. */
const SAME = [
  'model',
  'stream',
  'temperature',
  'top_p',
  'parallel_tool_calls',
  'user',
  'metadata',
  'store',
  'prompt_cache_key',
  'prompt_cache_retention',
  'prompt_cache_options',
  'safety_identifier',
  'service_tier',
  'moderation',
] as const;

const STATE = 'cannot carry conversation state stored by the Responses API; send the whole conversation in input';

/** Parameters chat lacks: the value that may be dropped, and why any other is a 400. */
const WITHOUT_EQUIVALENT: Record<string, { neutral: (v: unknown) => boolean; why: string }> = {
  previous_response_id: { neutral: isAbsent, why: STATE },
  conversation: { neutral: isAbsent, why: STATE },
  background: { neutral: (v) => isAbsent(v) || v === false, why: 'cannot run a response in the background' },
  prompt: { neutral: isAbsent, why: 'cannot expand prompt templates stored by the Responses API' },
  max_tool_calls: { neutral: isAbsent, why: 'cannot limit the number of tool calls' },
  top_logprobs: {
    neutral: (v) => isAbsent(v) || v === 0,
    why: 'returns log probabilities in a shape this gateway does not translate',
  },
  truncation: {
    neutral: (v) => isAbsent(v) || v === 'disabled',
    why: 'cannot truncate the conversation to fit the context window',
  },
  // Chat always streams usage on request (set below); obfuscation padding is cosmetic.
  stream_options: { neutral: () => true, why: '' },
};

/** `include` values that a chat backend makes moot: it returns no reasoning items to encrypt. */
const MOOT_INCLUDES = new Set(['reasoning.encrypted_content']);

function reasoningEffort(reasoning: unknown, dropped: string[]): unknown {
  if (!isRecord(reasoning)) throw invalid('reasoning', 'an object');
  for (const [key, value] of Object.entries(reasoning)) {
    if (key === 'effort') continue;
    // A summary is extra output about the reasoning; the answer is the same without it.
    if (key === 'summary' || key === 'generate_summary') dropped.push(`reasoning.${key}`);
    else if (!isAbsent(value)) throw unsupported(`reasoning.${key}`, API);
  }
  return reasoning.effort;
}

function textOptions(text: unknown, out: JsonObject): void {
  if (!isRecord(text)) throw invalid('text', 'an object');
  for (const [key, value] of Object.entries(text)) {
    if (isAbsent(value)) continue;
    if (key === 'format') out.response_format = textFormatToResponseFormat(value);
    else if (key === 'verbosity') out.verbosity = value;
    else throw unsupported(`text.${key}`, API);
  }
}

function checkIncludes(include: unknown, dropped: string[]): void {
  if (!Array.isArray(include)) throw invalid('include', 'an array');
  include.forEach((value: unknown, k) => {
    if (typeof value === 'string' && MOOT_INCLUDES.has(value)) dropped.push(`include[${k}]`);
    else throw unsupportedValue(`include[${k}]`, `'${String(value)}'`, API);
  });
}

/** Translates a Responses request body into a chat request body, or a 400 naming what cannot be carried. */
export function responsesRequestToChat(body: Record<string, unknown>): TranslationResult<Record<string, unknown>> {
  return translate((dropped) => {
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(body)) {
      if ((SAME as readonly string[]).includes(key)) {
        out[key] = value;
      } else if (key === 'input' || key === 'instructions') {
        // Handled below, in order: instructions first.
      } else if (key === 'max_output_tokens') {
        if (!isAbsent(value)) out.max_completion_tokens = value;
      } else if (key === 'reasoning') {
        const effort = isAbsent(value) ? undefined : reasoningEffort(value, dropped);
        if (!isAbsent(effort)) out.reasoning_effort = effort;
      } else if (key === 'text') {
        if (!isAbsent(value)) textOptions(value, out);
      } else if (key === 'tools') {
        if (!isAbsent(value)) out.tools = responsesToolsToChat(value);
      } else if (key === 'tool_choice') {
        if (!isAbsent(value)) out.tool_choice = responsesToolChoiceToChat(value);
      } else if (key === 'include') {
        if (!isAbsent(value)) checkIncludes(value, dropped);
      } else if (key in WITHOUT_EQUIVALENT) {
        const rule = WITHOUT_EQUIVALENT[key];
        if (rule === undefined || !rule.neutral(value)) throw unsupported(key, API, rule?.why);
        dropped.push(key);
      } else {
        throw unsupported(key, API);
      }
    }
    if (isAbsent(body.input) && isAbsent(body.instructions))
      throw invalid('input', 'a string or an array of input items');
    out.messages = responsesInputToMessages(body.instructions, body.input ?? [], dropped);
    // ChatToResponsesStream needs the usage chunk to close the stream with response.completed usage.
    if (body.stream === true) out.stream_options = { include_usage: true };
    return out;
  });
}
