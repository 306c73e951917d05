/**
 * What the Playground sends and reads back: the request body of a chat or responses call (with an
 * attached image inline), the text and usage of a whole answer, and each streamed event's part.
 * DOM-free, so unit tests import it.
 */
import { isRecord } from '../../api.js';
import { gatewayError } from '../../gateway-error.js';

type Json = Record<string, unknown>;

/** The two APIs the Playground speaks. */
export type PlayApi = 'chat' | 'responses';

/** What the user set up. */
export interface PlayRequest {
  api: PlayApi;
  stream: boolean;
  model: string;
  system: string;
  message: string;
}

/** The JSON body of the request; `image` is a data: URL. */
export function requestBody(r: PlayRequest, image?: string): Json {
  const text = r.message || 'Hello!';
  if (r.api === 'chat') {
    const content: unknown = image
      ? [
          { type: 'text', text },
          { type: 'image_url', image_url: { url: image } },
        ]
      : text;
    return {
      model: r.model,
      stream: r.stream,
      ...(r.stream ? { stream_options: { include_usage: true } } : {}),
      messages: [...(r.system ? [{ role: 'system', content: r.system }] : []), { role: 'user', content }],
    };
  }
  return {
    model: r.model,
    stream: r.stream,
    ...(r.system ? { instructions: r.system } : {}),
    input: [
      {
        role: 'user',
        content: [{ type: 'input_text', text }, ...(image ? [{ type: 'input_image', image_url: image }] : [])],
      },
    ],
  };
}

/** Text and usage of a non-streamed answer. */
export function fromJson(api: PlayApi, body: unknown): { text: string; usage?: Json } {
  if (!isRecord(body)) return { text: '' };
  const usage = isRecord(body.usage) ? body.usage : undefined;
  if (api === 'chat') {
    const c =
      Array.isArray(body.choices) && isRecord(body.choices[0]) && isRecord(body.choices[0].message)
        ? body.choices[0].message.content
        : '';
    return { text: typeof c === 'string' ? c : '', usage };
  }
  if (typeof body.output_text === 'string') return { text: body.output_text, usage };
  const parts: string[] = [];
  for (const item of Array.isArray(body.output) ? body.output.filter(isRecord) : []) {
    for (const c of Array.isArray(item.content) ? item.content.filter(isRecord) : [])
      if (typeof c.text === 'string') parts.push(c.text);
  }
  return { text: parts.join(''), usage };
}

/** What one streamed event adds: text, the usage, or a failure. */
export interface EventPart {
  delta?: string;
  usage?: Json;
  failure?: string;
}

/** The part of event `ev` (parsed JSON) of a stream with HTTP status `status`. */
export function eventPart(api: PlayApi, ev: Json, status: number): EventPart {
  const part: EventPart = {};
  if (api === 'chat') {
    const delta =
      Array.isArray(ev.choices) && isRecord(ev.choices[0]) && isRecord(ev.choices[0].delta)
        ? ev.choices[0].delta.content
        : undefined;
    if (typeof delta === 'string') part.delta = delta;
    if (isRecord(ev.usage)) part.usage = ev.usage;
  } else {
    if (ev.type === 'response.output_text.delta' && typeof ev.delta === 'string') part.delta = ev.delta;
    if (
      (ev.type === 'response.completed' || ev.type === 'response.incomplete') &&
      isRecord(ev.response) &&
      isRecord(ev.response.usage)
    )
      part.usage = ev.response.usage;
    if (ev.type === 'error' || ev.type === 'response.failed') part.failure = JSON.stringify(ev).slice(0, 400);
  }
  if (isRecord(ev.error)) part.failure = gatewayError(status, ev);
  return part;
}
