// What the simulated model "says": deterministic replies, token counts, ids and Azure's content
// filter annotations, shared by the chat and responses endpoints.
//
// Everything a test may assert on (reply text, token counts) is a pure function of the request,
// so a test can predict it; ids are random like Azure's, because nothing should depend on them.
import { randomBytes } from 'node:crypto';

/** Reasoning tokens a 'reasoning' scenario reports (fixed, so tests can assert usage). */
export const REASONING_TOKENS = 16;

/** The `system_fingerprint` every chat reply carries. */
export const SYSTEM_FINGERPRINT = 'fp_sim0000001';

/** Content deltas in a stream when the scenario does not say. */
export const DEFAULT_CONTENT_CHUNKS = 5;

/** Narrows parsed JSON to a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Number of whitespace-separated words: the simulator's token count. */
export function countWords(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/).length;
}

/** The text of a message `content`: a string, or the text parts of a content array. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) => (isRecord(part) && typeof part.text === 'string' ? part.text : ''))
    .filter((t) => t !== '')
    .join(' ');
}

/** The deterministic reply to a user message. */
export function replyTo(userText: string): string {
  return `Echo: ${userText}`;
}

/** True when the user asks for tool calls in words (for SDK tests that cannot set a header). */
export function asksForTools(userText: string): boolean {
  return /call tools/i.test(userText);
}

/** Keeps the first `max` words of `text`; `truncated` says whether any were dropped. */
export function limitWords(text: string, max: number | undefined): { text: string; truncated: boolean } {
  if (max === undefined || countWords(text) <= max) return { text, truncated: false };
  const kept = text.trim().split(/\s+/).slice(0, Math.max(0, max)).join(' ');
  return { text: kept, truncated: true };
}

/**
 * Splits `text` into exactly `n` non-empty pieces (by characters, as a tokenizer would), padding
 * the text with " sim" words first when it is too short to give every delta a character.
 */
export function splitIntoChunks(text: string, n: number): string[] {
  const count = Math.max(1, Math.floor(n));
  let padded = text;
  while (padded.length < count) padded += ' sim';
  const pieces: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const start = Math.floor((i * padded.length) / count);
    const end = Math.floor(((i + 1) * padded.length) / count);
    pieces.push(padded.slice(start, end));
  }
  return pieces;
}

/** Splits a string into at most `n` consecutive pieces (one empty piece for an empty string). */
export function fragments(text: string, n: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / n));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

/** A random id with Azure's / OpenAI's prefix, e.g. `chatcmpl-…`, `resp_…`, `call_…`. */
export function newId(prefix: string, bytes = 12): string {
  return `${prefix}${randomBytes(bytes).toString('hex')}`;
}

/** Seconds since the epoch, as `created` / `created_at` carry it. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

const safe = { filtered: false, severity: 'safe' } as const;

/** Azure's per-choice `content_filter_results` when nothing was filtered. */
export function safeOutputFilter(): Record<string, unknown> {
  return {
    hate: safe,
    protected_material_code: { filtered: false, detected: false },
    protected_material_text: { filtered: false, detected: false },
    self_harm: safe,
    sexual: safe,
    violence: safe,
  };
}

/** Azure's per-choice `content_filter_results` when the output was cut by the filter. */
export function filteredOutputFilter(): Record<string, unknown> {
  return { hate: safe, self_harm: safe, sexual: safe, violence: { filtered: true, severity: 'medium' } };
}

/** Azure's `content_filter_results` for a prompt that passed. */
export function safePromptFilter(): Record<string, unknown> {
  return {
    hate: safe,
    jailbreak: { filtered: false, detected: false },
    self_harm: safe,
    sexual: safe,
    violence: safe,
  };
}

/** Azure's `prompt_filter_results` for a prompt that passed. */
export function promptFilterResults(): unknown[] {
  return [{ prompt_index: 0, content_filter_results: safePromptFilter() }];
}

/** A tool the request offered, reduced to what a simulated call needs. */
export interface OfferedTool {
  name: string;
  parameters: unknown;
}

/** Placeholder arguments that fit the tool's JSON-schema `properties` (deterministic). */
export function argumentsFor(tool: OfferedTool, callIndex: number): string {
  const args: Record<string, unknown> = {};
  const properties =
    isRecord(tool.parameters) && isRecord(tool.parameters.properties) ? tool.parameters.properties : {};
  for (const [key, schema] of Object.entries(properties)) {
    const type = isRecord(schema) ? schema.type : undefined;
    args[key] =
      type === 'number' || type === 'integer'
        ? callIndex + 1
        : type === 'boolean'
          ? true
          : type === 'string'
            ? `sim-${callIndex + 1}`
            : null;
  }
  return JSON.stringify(args);
}

/** The two parallel calls a tool-calling reply makes: the first tool, then the second (or the first again). */
export function parallelCalls(tools: OfferedTool[]): Array<{ tool: OfferedTool; arguments: string }> {
  const first = tools[0];
  if (first === undefined) return [];
  const second = tools[1] ?? first;
  return [first, second].map((tool, i) => ({ tool, arguments: argumentsFor(tool, i) }));
}

/** Prompt tokens of a conversation: its words plus OpenAI's overhead of 3 per message and 3 for priming. */
export function promptTokensOf(texts: string[]): number {
  return texts.reduce((sum, t) => sum + countWords(t), 0) + 3 * texts.length + 3;
}
