/**
 * The token estimate a request reserves against token limits before it is sent: its prompt
 * counted with the model's real encoding (gpt-tokenizer's o200k_base or cl100k_base), plus the
 * output the client allows itself (`max_completion_tokens`, `max_tokens`, `max_output_tokens`,
 * times `n`). Azure's own usage replaces the estimate when the answer ends. How far each part can
 * be off is measured in docs/governance.md ("How exact the estimate is").
 *
 * Counting follows OpenAI's published chat format: 3 tokens per message, the role, the content
 * (and a name: 1 more), and 3 tokens that prime the reply. Images cannot be sized without
 * decoding them, so each counts as a 512 px tiled image at high detail (765 tokens) or 85 at
 * low detail; tool definitions count as their JSON text.
 */
import type { ModelEntry, RouteKey } from '../../common/config/schema.js';

/** The encodings the gateway can count with. */
export type Encoding = 'o200k_base' | 'cl100k_base';

/** What a request is expected to use. */
export interface TokenEstimate {
  prompt: number;
  /** The most output the client allows (0 when it sets no cap). */
  outputCap: number;
}

/** Tokens of an image part at low detail, and the estimate at high or automatic detail. */
export const IMAGE_TOKENS_LOW = 85;
export const IMAGE_TOKENS_HIGH = 765;
const PER_MESSAGE = 3;
const REPLY_PRIMING = 3;

type Counter = (text: string) => number;
const loaded = new Map<Encoding, Promise<Counter>>();

/** The counter of `encoding`, loaded on first use (each encoding costs tens of MB, so only when a token limit needs it). */
export function tokenCounter(encoding: Encoding): Promise<Counter> {
  let p = loaded.get(encoding);
  if (!p) {
    p = (
      encoding === 'cl100k_base'
        ? import('gpt-tokenizer/encoding/cl100k_base')
        : import('gpt-tokenizer/encoding/o200k_base')
    ).then((m) => (text: string) => m.countTokens(text));
    loaded.set(encoding, p);
  }
  return p;
}

// GPT-4o and later (gpt-4.1, gpt-4.5, gpt-5, o-series, gpt-oss, gpt-image) use o200k_base; GPT-4,
// GPT-3.5 and the text-embedding models use cl100k_base.
const CL100K =
  /(gpt-?35|gpt-?3\.5|gpt-?4(?![o.0-9])|gpt-?4-(?:32k|0613|0314|turbo|1106|0125|vision)|text-embedding|ada)/i;

/** The encoding for a model: its `tokenizer` setting, else guessed from its deployment name or id. */
export function encodingFor(model: ModelEntry, deployment: string): Encoding {
  if (model.tokenizer) return model.tokenizer;
  return CL100K.test(deployment) || CL100K.test(model.id) ? 'cl100k_base' : 'o200k_base';
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const positive = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);

function imageTokens(detail: unknown): number {
  return detail === 'low' ? IMAGE_TOKENS_LOW : IMAGE_TOKENS_HIGH;
}

// A content value: a string, or an array of parts (text, image, audio, file…).
function contentTokens(content: unknown, count: Counter): number {
  if (typeof content === 'string') return count(content);
  if (!Array.isArray(content)) return content === undefined || content === null ? 0 : count(JSON.stringify(content));
  let n = 0;
  for (const part of content) {
    if (typeof part === 'string') n += count(part);
    else if (!isObject(part)) continue;
    else if (typeof part.text === 'string') n += count(part.text);
    else if (part.type === 'image_url') n += imageTokens(isObject(part.image_url) ? part.image_url.detail : undefined);
    else if (part.type === 'input_image') n += imageTokens(part.detail);
    else n += count(JSON.stringify(part));
  }
  return n;
}

function messageTokens(message: unknown, count: Counter): number {
  if (!isObject(message)) return 0;
  let n = PER_MESSAGE;
  if (typeof message.role === 'string') n += count(message.role);
  n += contentTokens(message.content, count);
  if (typeof message.name === 'string') n += 1 + count(message.name);
  if (Array.isArray(message.tool_calls)) n += count(JSON.stringify(message.tool_calls));
  return n;
}

// A Responses input item: a message (role + content) or another item (function output, call…).
function inputItemTokens(item: unknown, count: Counter): number {
  if (typeof item === 'string') return count(item);
  if (!isObject(item)) return 0;
  if (item.type === undefined || item.type === 'message') return messageTokens(item, count);
  if (typeof item.output === 'string') return PER_MESSAGE + count(item.output);
  return PER_MESSAGE + count(JSON.stringify(item));
}

function toolTokens(body: Json, count: Counter): number {
  return Array.isArray(body.tools) && body.tools.length > 0 ? count(JSON.stringify(body.tools)) : 0;
}

function embeddingTokens(input: unknown, count: Counter): number {
  if (typeof input === 'string') return count(input);
  if (!Array.isArray(input)) return 0;
  let n = 0;
  for (const item of input) {
    if (typeof item === 'string') n += count(item);
    else if (typeof item === 'number') n += 1;
    else if (Array.isArray(item)) n += item.length;
  }
  return n;
}

/** Counts the prompt of `body` on `route` and reads the client's output cap. */
export function estimateTokens(route: RouteKey, body: Json, count: Counter): TokenEstimate {
  switch (route) {
    case 'chat/completions': {
      const messages = Array.isArray(body.messages) ? body.messages : [];
      let prompt = REPLY_PRIMING + toolTokens(body, count);
      for (const m of messages) prompt += messageTokens(m, count);
      const choices = Math.max(1, positive(body.n));
      return { prompt, outputCap: (positive(body.max_completion_tokens) || positive(body.max_tokens)) * choices };
    }
    case 'responses': {
      let prompt = REPLY_PRIMING + toolTokens(body, count);
      if (typeof body.instructions === 'string') prompt += PER_MESSAGE + count(body.instructions);
      if (typeof body.input === 'string') prompt += PER_MESSAGE + count(body.input);
      else if (Array.isArray(body.input)) for (const item of body.input) prompt += inputItemTokens(item, count);
      return { prompt, outputCap: positive(body.max_output_tokens) };
    }
    case 'embeddings':
      return { prompt: embeddingTokens(body.input, count), outputCap: 0 };
    case 'completions': {
      const prompts = Array.isArray(body.prompt) ? body.prompt : [body.prompt];
      const prompt = prompts.reduce<number>((n, p) => n + (typeof p === 'string' ? count(p) : 0), 0);
      return { prompt, outputCap: positive(body.max_tokens) * Math.max(1, positive(body.n)) };
    }
    case 'audio/speech':
      return { prompt: typeof body.input === 'string' ? count(body.input) : 0, outputCap: 0 };
    // Multipart calls: only their text fields are known before the upload is read; audio and
    // image tokens are counted from Azure's usage when the call ends.
    case 'images/generations':
    case 'images/edits':
    case 'images/variations':
    case 'audio/transcriptions':
    case 'audio/translations':
      return { prompt: typeof body.prompt === 'string' ? count(body.prompt) : 0, outputCap: 0 };
    case 'realtime':
      return { prompt: 0, outputCap: 0 };
  }
}
