/**
 * Token usage in both shapes: Responses counts `input_tokens` / `output_tokens` with
 * `input_tokens_details.cached_tokens` and `output_tokens_details.reasoning_tokens`; chat counts
 * `prompt_tokens` / `completion_tokens` with the same details under `prompt_tokens_details` and
 * `completion_tokens_details`. The details are kept: billing and cache dashboards read them.
 */
import { isRecord, num, type JsonObject } from './json.js';

function detail(obj: unknown, key: string): number | undefined {
  return isRecord(obj) ? num(obj[key]) : undefined;
}

/** Responses `usage` → chat `usage`; null when the response carries none. */
export function responsesUsageToChat(usage: unknown): JsonObject | null {
  if (!isRecord(usage)) return null;
  const prompt = num(usage.input_tokens) ?? 0;
  const completion = num(usage.output_tokens) ?? 0;
  const out: JsonObject = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: num(usage.total_tokens) ?? prompt + completion,
  };
  const cached = detail(usage.input_tokens_details, 'cached_tokens');
  const reasoning = detail(usage.output_tokens_details, 'reasoning_tokens');
  if (cached !== undefined) out.prompt_tokens_details = { cached_tokens: cached };
  if (reasoning !== undefined) out.completion_tokens_details = { reasoning_tokens: reasoning };
  return out;
}

/** Chat `usage` → Responses `usage` (whose details are required); null when the completion carries none. */
export function chatUsageToResponses(usage: unknown): JsonObject | null {
  if (!isRecord(usage)) return null;
  const input = num(usage.prompt_tokens) ?? 0;
  const output = num(usage.completion_tokens) ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: detail(usage.prompt_tokens_details, 'cached_tokens') ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: detail(usage.completion_tokens_details, 'reasoning_tokens') ?? 0 },
    total_tokens: num(usage.total_tokens) ?? input + output,
  };
}
