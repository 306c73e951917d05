/**
 * A Chat Completions request → a Responses API request, for a model whose deployment answers
 * only `/responses`. Every top-level parameter is either translated, dropped because dropping
 * it cannot change the answer (listed in `dropped`), or rejected with a 400 naming it; an
 * unknown parameter is rejected rather than guessed at. The table is in docs/translation.md.
 */
import { chatMessagesToInput } from './chat-messages-to-input.js';
import { isAbsent, isRecord, type JsonObject } from './json.js';
import { invalid, translate, unsupported, type TranslationResult } from './result.js';
import { responseFormatToTextFormat } from './text-format.js';
import { chatToolChoiceToResponses, chatToolsToResponses } from './tools.js';

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

/** True when a parameter's value is its no-op default, so leaving it out cannot change the answer. */
type Neutral = (value: unknown) => boolean;

const zero: Neutral = (v) => isAbsent(v) || v === 0;
const falsy: Neutral = (v) => isAbsent(v) || v === false;
const nothing: Neutral = (v) =>
  isAbsent(v) || (Array.isArray(v) && v.length === 0) || (isRecord(v) && Object.keys(v).length === 0);

/** Parameters Responses lacks, with the values that may be dropped and why others cannot. */
const WITHOUT_EQUIVALENT: Record<string, { neutral: Neutral; why?: string }> = {
  n: { neutral: (v) => isAbsent(v) || v === 1, why: 'returns exactly one choice (only n=1 can be translated)' },
  logprobs: { neutral: falsy, why: 'returns log probabilities in a shape this gateway does not translate' },
  top_logprobs: { neutral: zero, why: 'returns log probabilities in a shape this gateway does not translate' },
  logit_bias: { neutral: nothing },
  presence_penalty: { neutral: zero },
  frequency_penalty: { neutral: zero },
  seed: { neutral: isAbsent },
  stop: { neutral: nothing },
  audio: { neutral: isAbsent, why: 'does not produce audio' },
  modalities: {
    neutral: (v) => isAbsent(v) || (Array.isArray(v) && v.every((m) => m === 'text')),
    why: 'produces text only',
  },
  prediction: { neutral: isAbsent },
  functions: { neutral: nothing, why: "takes 'tools' instead of the deprecated 'functions'" },
  function_call: { neutral: isAbsent, why: "takes 'tool_choice' instead of the deprecated 'function_call'" },
  web_search_options: {
    neutral: isAbsent,
    why: 'offers web search only as a built-in tool, which this gateway does not translate',
  },
};

/** Maximum output tokens: chat has two spellings, Responses one. */
function maxOutputTokens(body: JsonObject): unknown {
  const modern = body.max_completion_tokens;
  const legacy = body.max_tokens;
  if (!isAbsent(modern) && !isAbsent(legacy) && modern !== legacy) {
    throw invalid('max_tokens', 'the same value as max_completion_tokens when both are given');
  }
  return isAbsent(modern) ? legacy : modern;
}

/** Translates a chat request body into a Responses request body, or a 400 naming what cannot be carried. */
export function chatRequestToResponses(body: Record<string, unknown>): TranslationResult<Record<string, unknown>> {
  return translate((dropped) => {
    const out: JsonObject = {};
    const text: JsonObject = {};
    for (const [key, value] of Object.entries(body)) {
      if ((SAME as readonly string[]).includes(key)) {
        out[key] = value;
      } else if (key === 'messages' || key === 'max_tokens' || key === 'max_completion_tokens') {
        // Handled below, from the whole body.
      } else if (key === 'stream_options') {
        // Responses always reports usage; include_usage is honoured by ResponsesToChatStream.
        dropped.push(key);
      } else if (key === 'reasoning_effort') {
        if (!isAbsent(value)) out.reasoning = { effort: value };
      } else if (key === 'verbosity') {
        if (!isAbsent(value)) text.verbosity = value;
      } else if (key === 'response_format') {
        if (!isAbsent(value)) text.format = responseFormatToTextFormat(value);
      } else if (key === 'tools') {
        if (!isAbsent(value)) out.tools = chatToolsToResponses(value);
      } else if (key === 'tool_choice') {
        if (!isAbsent(value)) out.tool_choice = chatToolChoiceToResponses(value);
      } else if (key in WITHOUT_EQUIVALENT) {
        const rule = WITHOUT_EQUIVALENT[key];
        if (rule === undefined || !rule.neutral(value)) throw unsupported(key, 'Responses', rule?.why);
        dropped.push(key);
      } else {
        throw unsupported(key, 'Responses');
      }
    }
    const { instructions, input } = chatMessagesToInput(body.messages, dropped);
    if (instructions !== undefined) out.instructions = instructions;
    out.input = input;
    const max = maxOutputTokens(body);
    if (!isAbsent(max)) out.max_output_tokens = max;
    if (Object.keys(text).length > 0) out.text = text;
    // Chat completions are not stored unless asked; Responses stores by default. Keep chat's meaning.
    if (isAbsent(body.store)) out.store = false;
    return out;
  });
}

/** Whether the client asked for a usage chunk at the end of a chat stream (`stream_options.include_usage`). */
export function chatWantsStreamUsage(body: Record<string, unknown>): boolean {
  return isRecord(body.stream_options) && body.stream_options.include_usage === true;
}
