/**
 * The output items of a Responses stream and the events that build them, for a response that is
 * being assembled from chat chunks. Each item is announced (`output_item.added`), its parts are
 * announced and filled by deltas, then closed (`*.done`, `content_part.done`,
 * `output_item.done`) with the full text, the order the `openai` SDK's accumulator checks.
 * https://platform.openai.com/docs/api-reference/responses-streaming
 */
import type { JsonObject } from './json.js';
import { functionCallItem, ids, messageItem } from './response-envelope.js';

type PartType = 'output_text' | 'refusal' | 'reasoning_text';

interface Part {
  type: PartType;
  text: string;
  open: boolean;
}

interface Item {
  outputIndex: number;
  id: string;
  kind: 'message' | 'reasoning' | 'function_call';
  parts: Part[];
  open: boolean;
  /** The status the item closed with. */
  status: ItemEnd;
  callId: string;
  name: string;
  args: string;
}

/** Emits a framed event; the caller numbers and frames it. */
export type Emit = (type: string, fields: JsonObject) => void;

/** Item status when closed: complete, or cut short (length / content filter). */
export type ItemEnd = 'completed' | 'incomplete';

function partJson(p: Part): JsonObject {
  if (p.type === 'refusal') return { type: 'refusal', refusal: p.text };
  if (p.type === 'reasoning_text') return { type: 'reasoning_text', text: p.text };
  return { type: 'output_text', text: p.text, annotations: [], logprobs: [] };
}

/** Tracks the output items of one response and emits the events that build them. */
export class ResponseItemEvents {
  readonly #items: Item[] = [];
  readonly #calls = new Map<number, Item>();
  #end: ItemEnd = 'completed';

  constructor(
    private readonly chatId: string,
    private readonly emit: Emit,
  ) {}

  /** The items in their current state, in output order, as `response.output` carries them. */
  output(): JsonObject[] {
    return this.#items.map((item) => this.#snapshot(item, item.open ? 'in_progress' : item.status));
  }

  /** Appends reasoning text (chat's non-standard `reasoning_content`). */
  reasoning(delta: string): void {
    const item = this.#openItem('reasoning', ids.reasoning(this.chatId));
    this.#append(item, 'reasoning_text', delta);
  }

  /** Appends answer text to the assistant message. */
  text(delta: string): void {
    this.#append(this.#openItem('message', ids.message(this.chatId)), 'output_text', delta);
  }

  /** Appends refusal text to the assistant message. */
  refusal(delta: string): void {
    this.#append(this.#openItem('message', ids.message(this.chatId)), 'refusal', delta);
  }

  /** Starts or continues the function call at chat's tool-call `index`. */
  toolCall(index: number, callId: string | undefined, name: string | undefined, argsDelta: string): void {
    let item = this.#calls.get(index);
    if (item === undefined) {
      this.#closeKind('message');
      this.#closeKind('reasoning');
      item = this.#newItem('function_call', ids.functionCall(this.chatId, index));
      item.callId = callId ?? '';
      item.name = name ?? '';
      this.#calls.set(index, item);
      this.emit('response.output_item.added', {
        output_index: item.outputIndex,
        item: this.#snapshot(item, 'in_progress'),
      });
    }
    if (argsDelta === '') return;
    item.args += argsDelta;
    this.emit('response.function_call_arguments.delta', {
      item_id: item.id,
      output_index: item.outputIndex,
      delta: argsDelta,
    });
  }

  /** Closes every open item, in output order, with the status they end in. */
  closeAll(end: ItemEnd): void {
    this.#end = end;
    for (const item of this.#items) this.#close(item);
  }

  #newItem(kind: Item['kind'], id: string): Item {
    const item: Item = {
      outputIndex: this.#items.length,
      id,
      kind,
      parts: [],
      open: true,
      status: 'completed',
      callId: '',
      name: '',
      args: '',
    };
    this.#items.push(item);
    return item;
  }

  /** The open item of a kind, announcing a new one when there is none; reasoning ends where the answer starts. */
  #openItem(kind: 'message' | 'reasoning', id: string): Item {
    const open = this.#items.find((i) => i.kind === kind && i.open);
    if (open) return open;
    if (kind === 'message') this.#closeKind('reasoning');
    // A second item of the same kind (text after tool calls) needs its own id.
    const taken = this.#items.some((i) => i.id === id);
    const item = this.#newItem(kind, taken ? `${id}_${this.#items.length}` : id);
    this.emit('response.output_item.added', {
      output_index: item.outputIndex,
      item: this.#snapshot(item, 'in_progress'),
    });
    return item;
  }

  #append(item: Item, type: PartType, delta: string): void {
    if (delta === '') return;
    let part = item.parts.at(-1);
    if (part === undefined || part.type !== type || !part.open) {
      if (part?.open) this.#closePart(item, item.parts.length - 1);
      part = { type, text: '', open: true };
      item.parts.push(part);
      this.emit('response.content_part.added', {
        ...this.#where(item),
        content_index: item.parts.length - 1,
        part: partJson(part),
      });
    }
    part.text += delta;
    const content_index = item.parts.length - 1;
    if (type === 'output_text')
      this.emit('response.output_text.delta', { ...this.#where(item), content_index, delta, logprobs: [] });
    else if (type === 'refusal') this.emit('response.refusal.delta', { ...this.#where(item), content_index, delta });
    else this.emit('response.reasoning_text.delta', { ...this.#where(item), content_index, delta });
  }

  #closePart(item: Item, index: number): void {
    const part = item.parts[index];
    if (part === undefined || !part.open) return;
    part.open = false;
    const at = { ...this.#where(item), content_index: index };
    if (part.type === 'output_text') this.emit('response.output_text.done', { ...at, text: part.text, logprobs: [] });
    else if (part.type === 'refusal') this.emit('response.refusal.done', { ...at, refusal: part.text });
    else this.emit('response.reasoning_text.done', { ...at, text: part.text });
    this.emit('response.content_part.done', { ...at, part: partJson(part) });
  }

  #closeKind(kind: Item['kind']): void {
    for (const item of this.#items) if (item.kind === kind) this.#close(item);
  }

  #close(item: Item): void {
    if (!item.open) return;
    item.parts.forEach((_, i) => this.#closePart(item, i));
    if (item.kind === 'function_call') {
      this.emit('response.function_call_arguments.done', {
        ...this.#where(item),
        name: item.name,
        arguments: item.args,
      });
    }
    item.open = false;
    item.status = this.#end;
    this.emit('response.output_item.done', { output_index: item.outputIndex, item: this.#snapshot(item, item.status) });
  }

  #where(item: Item): JsonObject {
    return { item_id: item.id, output_index: item.outputIndex };
  }

  #snapshot(item: Item, status: string): JsonObject {
    if (item.kind === 'function_call') return functionCallItem(item.id, item.callId, item.name, item.args, status);
    if (item.kind === 'reasoning')
      return { id: item.id, type: 'reasoning', summary: [], content: item.parts.map(partJson) };
    return messageItem(item.id, item.parts.map(partJson), status);
  }
}
