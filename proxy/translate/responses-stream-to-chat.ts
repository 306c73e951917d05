/**
 * A Responses event stream → a chat completion stream: a role chunk first, content deltas from
 * `response.output_text.delta` (reasoning deltas are skipped: chat has no place for them), tool
 * calls with stable ids (`call_id`) and indexes (0, 1, … in the order the calls appear), the
 * finish chunk, the usage chunk (`choices: []`) when the client asked for it, and exactly one
 * `data: [DONE]`. `response.failed`, `error` events and a stream that stops early become an error
 * frame `data: {"error":{…}}` with no `[DONE]`, which SDKs raise as an APIError.
 * https://platform.openai.com/docs/api-reference/chat-streaming
 */
import { errorTypeForStatus, openAIError } from '../../common/openai-error.js';
import { isRecord, num, parseJson, str, type JsonObject } from './json.js';
import { failureOf, finishReasonOf, statusForCode } from './responses-outcome.js';
import { DONE_FRAME, dataFrame, type UpstreamEvent } from './sse-frames.js';
import { responsesUsageToChat } from './usage.js';

/** Options for {@link ResponsesToChatStream}. */
export interface ResponsesToChatStreamOptions {
  /** Send the usage chunk before [DONE]: the client's `stream_options.include_usage`. */
  includeUsage?: boolean;
  /** Model name to report until the upstream names one. */
  model?: string;
}

/** How the translated stream ended, for logs and accounting. */
export type ChatStreamOutcome = 'pending' | 'completed' | 'failed';

interface Call {
  index: number;
  /** Arguments already sent, so a `.done` event carrying the full text adds only what is missing. */
  sent: string;
}

/** Converts one Responses event stream into chat completion chunks; feed it every upstream event, then call end(). */
export class ResponsesToChatStream {
  readonly #includeUsage: boolean;
  #id = '';
  #created = 0;
  #model: string;
  #roleSent = false;
  /** Calls by item id and by `#<output_index>` (both keys point to the same call). */
  readonly #calls = new Map<string, Call>();
  #callCount = 0;
  #outcome: ChatStreamOutcome = 'pending';
  #usage: JsonObject | null = null;

  constructor(options: ResponsesToChatStreamOptions = {}) {
    this.#includeUsage = options.includeUsage === true;
    this.#model = options.model ?? '';
  }

  /** How the stream ended so far. */
  get outcome(): ChatStreamOutcome {
    return this.#outcome;
  }

  /** Usage in the chat shape, once the response completed. */
  get usage(): Record<string, unknown> | null {
    return this.#usage;
  }

  /** Takes one upstream SSE event and returns the frames to send to the client (possibly none). */
  push(event: UpstreamEvent): string[] {
    if (this.#outcome !== 'pending') return [];
    const data = parseJson(event.data);
    if (!isRecord(data)) return this.#error('The upstream sent an event that is not JSON.', 'server_error', null);
    const type = str(data.type) ?? event.event ?? '';
    switch (type) {
      case 'response.created':
      case 'response.queued':
      case 'response.in_progress':
        this.#meta(data.response);
        return this.#role();
      case 'response.output_item.added':
      case 'response.output_item.done':
        return this.#item(data.item, num(data.output_index));
      case 'response.output_text.delta':
        return this.#delta('content', data.delta);
      case 'response.refusal.delta':
        return this.#delta('refusal', data.delta);
      case 'response.function_call_arguments.delta':
        return this.#args(this.#callKey(data), str(data.delta) ?? '', false);
      case 'response.function_call_arguments.done':
        return this.#args(this.#callKey(data), str(data.arguments) ?? '', true);
      case 'response.completed':
      case 'response.incomplete':
        return this.#finish(data.response);
      case 'response.failed':
        return this.#failed(data.response);
      case 'error': {
        const err = isRecord(data.error) ? data.error : data;
        return this.#error(
          str(err.message) ?? 'The upstream failed.',
          str(err.code) ?? 'server_error',
          str(err.param) ?? null,
        );
      }
      default:
        // Reasoning summaries, content-part bookkeeping, text `.done` repeats: nothing for chat.
        return [];
    }
  }

  /** Call when the upstream stream ends; an answer that never completed becomes an error frame. */
  end(): string[] {
    if (this.#outcome !== 'pending') return [];
    return this.#error('The upstream stream ended before the response was complete.', 'server_error', null);
  }

  #meta(response: unknown): void {
    if (!isRecord(response)) return;
    this.#id ||= str(response.id) ?? '';
    this.#created ||= num(response.created_at) ?? 0;
    this.#model = str(response.model) ?? this.#model;
  }

  #chunk(delta: JsonObject, finishReason: string | null = null): JsonObject {
    const chunk: JsonObject = {
      id: this.#id,
      object: 'chat.completion.chunk',
      created: this.#created || Math.floor(Date.now() / 1000),
      model: this.#model,
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    };
    // OpenAI sends `usage: null` on every chunk when usage was asked for.
    if (this.#includeUsage) chunk.usage = null;
    return chunk;
  }

  /** The role chunk, once, before anything else. */
  #role(): string[] {
    if (this.#roleSent) return [];
    this.#roleSent = true;
    return [dataFrame(this.#chunk({ role: 'assistant', content: '' }))];
  }

  /** A content or refusal delta; empty deltas are not worth a chunk. */
  #delta(field: 'content' | 'refusal', text: unknown): string[] {
    if (typeof text !== 'string' || text === '') return [];
    return [...this.#role(), dataFrame(this.#chunk({ [field]: text }))];
  }

  /** Keys a call by item id; events that lack one are matched by output index. */
  #callKey(data: JsonObject): string {
    return str(data.item_id) ?? `#${num(data.output_index) ?? -1}`;
  }

  #item(item: unknown, outputIndex: number | undefined): string[] {
    if (!isRecord(item) || item.type !== 'function_call') return [];
    const key = str(item.id) ?? `#${outputIndex ?? -1}`;
    const frames: string[] = [];
    if (!this.#calls.has(key)) {
      const call: Call = { index: this.#callCount++, sent: '' };
      this.#calls.set(key, call);
      if (outputIndex !== undefined) this.#calls.set(`#${outputIndex}`, call);
      const first = {
        index: call.index,
        id: str(item.call_id) ?? key,
        type: 'function',
        function: { name: str(item.name) ?? '', arguments: '' },
      };
      frames.push(...this.#role(), dataFrame(this.#chunk({ tool_calls: [first] })));
    }
    // Arguments may arrive whole on the item rather than as deltas.
    return [...frames, ...this.#args(key, str(item.arguments) ?? '', true)];
  }

  /** Sends argument text; for a complete value (`final`) only the part not yet sent. */
  #args(key: string, text: string, final: boolean): string[] {
    const call = this.#calls.get(key);
    if (!call) return [];
    let delta = text;
    if (final) delta = text.startsWith(call.sent) ? text.slice(call.sent.length) : '';
    if (delta === '') return [];
    call.sent += delta;
    return [dataFrame(this.#chunk({ tool_calls: [{ index: call.index, function: { arguments: delta } }] }))];
  }

  #finish(response: unknown): string[] {
    if (!isRecord(response))
      return this.#error('The upstream completed without a response object.', 'server_error', null);
    this.#meta(response);
    const output = Array.isArray(response.output) ? response.output : [];
    const hasCalls = this.#callCount > 0 || output.some((i) => isRecord(i) && i.type === 'function_call');
    const frames = [...this.#role(), dataFrame(this.#chunk({}, finishReasonOf(response, hasCalls)))];
    this.#usage = responsesUsageToChat(response.usage);
    if (this.#includeUsage) {
      const { choices: _choices, ...rest } = this.#chunk({});
      frames.push(dataFrame({ ...rest, choices: [], usage: this.#usage }));
    }
    this.#outcome = 'completed';
    frames.push(DONE_FRAME);
    return frames;
  }

  #failed(response: unknown): string[] {
    const failure = isRecord(response) ? failureOf({ ...response, status: 'failed' }) : undefined;
    const e = failure?.body.error;
    return this.#error(e?.message ?? 'The upstream response failed.', e?.code ?? 'server_error', null);
  }

  #error(message: string, code: string, param: string | null): string[] {
    this.#outcome = 'failed';
    return [dataFrame(openAIError(message, errorTypeForStatus(statusForCode(code)), code, param))];
  }
}
