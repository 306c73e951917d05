/**
 * Pulls token counts out of an upstream response body (or one parsed SSE event) whatever the
 * API spoke: Chat Completions, Responses, Embeddings or Images. The body is untrusted JSON, so
 * every field is narrowed from `unknown`; anything that is not a finite, non-negative number is
 * ignored rather than trusted.
 *
 * Shapes (OpenAI API reference, mirrored by Azure OpenAI / Foundry v1):
 * - Chat Completions: `usage.{prompt_tokens, completion_tokens, total_tokens,
 *   prompt_tokens_details.cached_tokens, completion_tokens_details.reasoning_tokens}`; streamed,
 *   every chunk carries `usage: null` except the last one (`stream_options.include_usage`).
 * - Responses: `usage.{input_tokens, output_tokens, total_tokens, input_tokens_details.cached_tokens,
 *   output_tokens_details.reasoning_tokens}`; streamed, it arrives in the `response.completed`
 *   event as `{type: 'response.completed', response: {usage}}`.
 * - Embeddings: `usage.{prompt_tokens, total_tokens}`.
 * - Images: `usage.{input_tokens, output_tokens, total_tokens, input_tokens_details}`.
 * - Transcriptions (gpt-4o-transcribe): `usage.{input_tokens, output_tokens, total_tokens}`, in the
 *   JSON body or the `transcript.text.done` event; Whisper's `{type: "duration", seconds}` has no tokens.
 * - Realtime: each `response.done` event's `response.usage`, with `input_token_details.cached_tokens`.
 */

/** Token counts of one request, normalised across the OpenAI APIs. */
export interface TokenUsage {
  prompt: number;
  completion: number;
  total: number;
  cached: number;
  reasoning: number;
}

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// A count we can add to a counter: finite and non-negative. Strings such as "12" are not accepted:
// Azure sends numbers, and a string means the body is not what we think it is.
function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

function nested(obj: JsonObject, parent: string, field: string): number | undefined {
  const p = obj[parent];
  return isObject(p) ? count(p[field]) : undefined;
}

// `usage` at the top level (a whole response, a chat chunk), else inside `response` (a Responses
// stream event such as `response.completed`). `null` is a real value there and means "none".
function findUsage(json: JsonObject): unknown {
  if ('usage' in json) return json.usage;
  const response = json.response;
  return isObject(response) ? response.usage : undefined;
}

/** Returns the token usage carried by `json`, or undefined when it carries none. */
export function extractUsage(json: unknown): TokenUsage | undefined {
  if (!isObject(json)) return undefined;
  const usage = findUsage(json);
  if (!isObject(usage)) return undefined;

  const prompt = count(usage.prompt_tokens) ?? count(usage.input_tokens);
  const completion = count(usage.completion_tokens) ?? count(usage.output_tokens);
  const total = count(usage.total_tokens);
  // An object with none of the three counts is not a usage block we understand.
  if (prompt === undefined && completion === undefined && total === undefined) return undefined;

  // Realtime's response.done spells it input_token_details.
  const cached =
    nested(usage, 'prompt_tokens_details', 'cached_tokens') ??
    nested(usage, 'input_tokens_details', 'cached_tokens') ??
    nested(usage, 'input_token_details', 'cached_tokens');
  const reasoning =
    nested(usage, 'completion_tokens_details', 'reasoning_tokens') ??
    nested(usage, 'output_tokens_details', 'reasoning_tokens');
  return {
    prompt: prompt ?? 0,
    completion: completion ?? 0,
    total: total ?? (prompt ?? 0) + (completion ?? 0),
    cached: cached ?? 0,
    reasoning: reasoning ?? 0,
  };
}
