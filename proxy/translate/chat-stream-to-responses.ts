/**
 * A streamed chat completion (`chat.completion.chunk`s, then `[DONE]`) → the Responses event
 * sequence a Responses client expects: `response.created`, `response.in_progress`, the item
 * events (see response-item-events.ts), then `response.completed` with usage, or
 * `response.incomplete` when the answer was cut by length or the content filter. Every event
 * carries an incrementing `sequence_number`. An upstream error (or a stream that ends before a
 * `finish_reason`) becomes an `error` event followed by `response.failed`.
 * https://platform.openai.com/docs/api-reference/responses-streaming
 */
import { randomUUID } from 'node:crypto';
import { incompleteReasonOf } from './chat-to-responses-response.js';
import { isRecord, num, parseJson, str, type JsonObject } from './json.js';
import { ids, responseEnvelope, type EnvelopeState, type ResponseStatus } from './response-envelope.js';
import { ResponseItemEvents } from './response-item-events.js';
import { eventFrame, type UpstreamEvent } from './sse-frames.js';
import { chatUsageToResponses } from './usage.js';

/** Options for {@link ChatToResponsesStream}. */
export interface ChatToResponsesStreamOptions {
  /** The client's original Responses request: echoed in the `response` objects. */
  request: Record<string, unknown>;
}

/** How the translated stream ended, for logs and accounting. */
export type StreamOutcome = 'pending' | 'completed' | 'incomplete' | 'failed';

/** Converts one chat completion stream into Responses events; feed it every upstream event, then call end(). */
export class ChatToResponsesStream {
  readonly #request: JsonObject;
  #frames: string[] = [];
  #sequence = 0;
  #chatId = '';
  #created = 0;
  #model = '';
  #items: ResponseItemEvents | undefined;
  #finish: unknown = undefined;
  #usage: JsonObject | null = null;
  #outcome: StreamOutcome = 'pending';

  constructor(options: ChatToResponsesStreamOptions) {
    this.#request = options.request;
  }

  /** How the stream ended so far ('pending' until end, [DONE] or an error). */
  get outcome(): StreamOutcome {
    return this.#outcome;
  }

  /** Usage in the Responses shape, once the upstream's usage chunk arrived. */
  get usage(): Record<string, unknown> | null {
    return this.#usage;
  }

  /** Takes one upstream SSE event and returns the frames to send to the client (possibly none). */
  push(event: UpstreamEvent): string[] {
    if (this.#outcome !== 'pending') return [];
    if (event.data === '[DONE]') return this.#flush(() => this.#complete());
    return this.#flush(() => this.#chunk(parseJson(event.data)));
  }

  /** Call when the upstream stream ends: closes the response, or fails it if the answer never finished. */
  end(): string[] {
    if (this.#outcome !== 'pending') return [];
    return this.#flush(() => this.#complete());
  }

  #flush(run: () => void): string[] {
    run();
    const frames = this.#frames;
    this.#frames = [];
    return frames;
  }

  #emit = (type: string, fields: JsonObject): void => {
    this.#frames.push(eventFrame(type, { type, sequence_number: this.#sequence++, ...fields }));
  };

  #chunk(chunk: unknown): void {
    if (!isRecord(chunk)) return this.#fail('server_error', 'The upstream sent an event that is not JSON.', null);
    if (isRecord(chunk.error)) {
      const e = chunk.error;
      return this.#fail(
        str(e.code) ?? str(e.type) ?? 'server_error',
        str(e.message) ?? 'The upstream failed.',
        str(e.param) ?? null,
      );
    }
    // Azure's first event (prompt filter results) has an empty id and model: wait for real ones.
    if (!this.#chatId && str(chunk.id)) this.#chatId = str(chunk.id) ?? '';
    if (!this.#model && str(chunk.model)) this.#model = str(chunk.model) ?? '';
    if (!this.#created && num(chunk.created)) this.#created = num(chunk.created) ?? 0;
    if (isRecord(chunk.usage)) this.#usage = chatUsageToResponses(chunk.usage);
    const choices = Array.isArray(chunk.choices) ? chunk.choices.filter(isRecord) : [];
    // Only n=1 is translated, so only choice 0 exists.
    const choice = choices.find((c) => (num(c.index) ?? 0) === 0);
    // After the finish chunk the items are closed; only the usage chunk may still follow.
    if (!choice || this.#finish !== undefined) return;
    const items = this.#start();
    const delta = isRecord(choice.delta) ? choice.delta : {};
    const reasoning = str(delta.reasoning_content);
    if (reasoning) items.reasoning(reasoning);
    const content = str(delta.content);
    if (content) items.text(content);
    const refusal = str(delta.refusal);
    if (refusal) items.refusal(refusal);
    const calls = Array.isArray(delta.tool_calls) ? delta.tool_calls.filter(isRecord) : [];
    for (const call of calls) {
      const fn = isRecord(call.function) ? call.function : {};
      items.toolCall(num(call.index) ?? 0, str(call.id), str(fn.name), str(fn.arguments) ?? '');
    }
    if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
      this.#finish = choice.finish_reason;
      // The finish chunk is the last one with content; the usage chunk and [DONE] follow.
      items.closeAll(incompleteReasonOf(this.#finish) ? 'incomplete' : 'completed');
    }
  }

  /** Announces the response on the first chunk with a choice; returns the item tracker. */
  #start(): ResponseItemEvents {
    if (this.#items) return this.#items;
    if (!this.#chatId) this.#chatId = `chatcmpl-${randomUUID()}`;
    if (!this.#created) this.#created = Math.floor(Date.now() / 1000);
    this.#items = new ResponseItemEvents(this.#chatId, this.#emit);
    const response = this.#envelope('in_progress');
    this.#emit('response.created', { response });
    this.#emit('response.in_progress', { response });
    return this.#items;
  }

  #envelope(status: ResponseStatus, extra: Partial<EnvelopeState> = {}): JsonObject {
    const final = status !== 'in_progress';
    return responseEnvelope(this.#request, {
      id: ids.response(this.#chatId),
      createdAt: this.#created,
      model: this.#model || str(this.#request.model) || '',
      status,
      output: final && this.#items ? this.#items.output() : [],
      usage: final ? this.#usage : null,
      ...extra,
    });
  }

  #complete(): void {
    if (this.#finish === undefined) {
      return this.#fail('server_error', 'The upstream stream ended before the answer was complete.', null);
    }
    const reason = incompleteReasonOf(this.#finish);
    this.#outcome = reason ? 'incomplete' : 'completed';
    const response = this.#envelope(this.#outcome, reason ? { incompleteReason: reason } : {});
    this.#emit(reason ? 'response.incomplete' : 'response.completed', { response });
  }

  #fail(code: string, message: string, param: string | null): void {
    this.#start();
    this.#outcome = 'failed';
    // `error` makes SDK clients throw; `response.failed` closes the lifecycle for clients that track it.
    this.#emit('error', { code, message, param });
    this.#emit('response.failed', { response: this.#envelope('failed', { error: { code, message } }) });
  }
}
