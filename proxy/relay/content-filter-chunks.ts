/**
 * Azure's content-filter-only stream chunks. Before the first content (and, with asynchronous
 * filtering, along the way) Azure sends chunks with `choices: []` and `prompt_filter_results`,
 * and empty `id`, `model` and `object`; several client libraries index `choices[0]` of every
 * chunk and fail on them. A model can have them removed (`models[].dropContentFilterChunks`).
 * https://learn.microsoft.com/azure/ai-foundry/openai/concepts/content-filter
 */
import type { SseEvent } from './sse-events.js';

/** True for a chunk that carries only prompt filter results: no choices and no usage. */
export function isContentFilterOnlyChunk(e: SseEvent, parsed: unknown): boolean {
  if (e.event !== undefined && e.event !== 'message') return false;
  if (!parsed || typeof parsed !== 'object') return false;
  const p = parsed as { choices?: unknown; usage?: unknown; prompt_filter_results?: unknown };
  const noUsage = p.usage === undefined || p.usage === null;
  return Array.isArray(p.choices) && p.choices.length === 0 && p.prompt_filter_results !== undefined && noUsage;
}
