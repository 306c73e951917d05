/** A realtime session's usage: the sum of its responses' usage. */
import type { TokenUsage } from '../usage/extract.js';

/** `total` plus one more response's usage. */
export function addUsage(total: TokenUsage | undefined, more: TokenUsage): TokenUsage {
  if (!total) return { ...more };
  return {
    prompt: total.prompt + more.prompt,
    completion: total.completion + more.completion,
    total: total.total + more.total,
    cached: total.cached + more.cached,
    reasoning: total.reasoning + more.reasoning,
  };
}
