/**
 * Chat `messages` → Responses `instructions` + `input` items. System and developer messages
 * become `instructions` (all of them, in order, joined by a blank line); user turns become
 * `message` items with `input_*` parts; an assistant turn becomes an output-style `message`
 * item (`output_text` / `refusal`) followed by one `function_call` item per tool call; a tool
 * message becomes a `function_call_output` keyed by the same `call_id`.
 * https://platform.openai.com/docs/guides/migrate-to-responses#messages-vs-items
 */
import { isAbsent, isRecord, str, type JsonObject } from './json.js';
import { invalid, unsupported, unsupportedValue } from './result.js';

/** What the messages translate into. */
export interface ChatInput {
  instructions: string | undefined;
  input: JsonObject[];
}

/** Keys a chat message may carry that this module reads (or rejects when set). */
const KNOWN_MESSAGE_KEYS = new Set([
  'role',
  'content',
  'name',
  'tool_calls',
  'tool_call_id',
  'refusal',
  'audio',
  'function_call',
  'annotations',
]);

/** Text of a system/developer/tool content: a string, or text parts joined by a newline. */
function textContent(content: unknown, param: string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalid(param, 'a string or an array of text parts');
  return content
    .map((part: unknown, j) => {
      if (!isRecord(part) || part.type !== 'text' || typeof part.text !== 'string') {
        throw unsupportedValue(
          `${param}[${j}].type`,
          `'${isRecord(part) ? String(part.type) : typeof part}'`,
          'Responses',
          'takes only text here',
        );
      }
      return part.text;
    })
    .join('\n');
}

/** Keeps a part's prompt-cache breakpoint, which both APIs accept on every content part. */
function withBreakpoint(out: JsonObject, part: JsonObject): JsonObject {
  if (!isAbsent(part.prompt_cache_breakpoint)) out.prompt_cache_breakpoint = part.prompt_cache_breakpoint;
  return out;
}

function userPart(part: unknown, param: string): JsonObject {
  if (!isRecord(part)) throw invalid(param, 'a content part object');
  switch (part.type) {
    case 'text':
      if (typeof part.text !== 'string') throw invalid(`${param}.text`, 'a string');
      return withBreakpoint({ type: 'input_text', text: part.text }, part);
    case 'image_url': {
      const image = isRecord(part.image_url) ? part.image_url : {};
      // Some clients send the URL itself as `image_url`; Azure accepts that form too.
      const url = str(part.image_url) ?? str(image.url);
      if (url === undefined) throw invalid(`${param}.image_url.url`, 'a string');
      // Chat defaults detail to auto; Responses requires the field.
      return withBreakpoint({ type: 'input_image', image_url: url, detail: str(image.detail) ?? 'auto' }, part);
    }
    case 'input_audio':
      return withBreakpoint({ type: 'input_audio', input_audio: part.input_audio }, part);
    case 'file': {
      const file = isRecord(part.file) ? part.file : {};
      const out: JsonObject = { type: 'input_file' };
      for (const key of ['file_data', 'file_id', 'filename']) if (!isAbsent(file[key])) out[key] = file[key];
      return withBreakpoint(out, part);
    }
    default:
      throw unsupportedValue(`${param}.type`, `'${String(part.type)}'`, 'Responses');
  }
}

function userItem(content: unknown, param: string): JsonObject {
  if (typeof content === 'string')
    return { type: 'message', role: 'user', content: [{ type: 'input_text', text: content }] };
  if (!Array.isArray(content)) throw invalid(param, 'a string or an array of content parts');
  return {
    type: 'message',
    role: 'user',
    content: content.map((part: unknown, j) => userPart(part, `${param}[${j}]`)),
  };
}

function assistantParts(msg: JsonObject, param: string): JsonObject[] {
  const parts: JsonObject[] = [];
  const text = (t: string): JsonObject => ({ type: 'output_text', text: t, annotations: [] });
  if (typeof msg.content === 'string') {
    if (msg.content !== '') parts.push(text(msg.content));
  } else if (Array.isArray(msg.content)) {
    msg.content.forEach((part: unknown, j) => {
      if (isRecord(part) && part.type === 'text' && typeof part.text === 'string') parts.push(text(part.text));
      else if (isRecord(part) && part.type === 'refusal' && typeof part.refusal === 'string')
        parts.push({ type: 'refusal', refusal: part.refusal });
      else
        throw unsupportedValue(
          `${param}.content[${j}].type`,
          `'${isRecord(part) ? String(part.type) : typeof part}'`,
          'Responses',
        );
    });
  } else if (!isAbsent(msg.content)) {
    throw invalid(`${param}.content`, 'a string, an array of parts or null');
  }
  if (typeof msg.refusal === 'string' && msg.refusal !== '') parts.push({ type: 'refusal', refusal: msg.refusal });
  return parts;
}

function assistantItems(msg: JsonObject, param: string): JsonObject[] {
  if (!isAbsent(msg.audio)) throw unsupported(`${param}.audio`, 'Responses');
  if (!isAbsent(msg.function_call))
    throw unsupported(
      `${param}.function_call`,
      'Responses',
      "takes 'tool_calls' instead of the deprecated 'function_call'",
    );
  const items: JsonObject[] = [];
  const parts = assistantParts(msg, param);
  if (parts.length > 0) items.push({ type: 'message', role: 'assistant', content: parts });
  const calls = isAbsent(msg.tool_calls) ? [] : msg.tool_calls;
  if (!Array.isArray(calls)) throw invalid(`${param}.tool_calls`, 'an array');
  calls.forEach((call: unknown, k) => {
    const p = `${param}.tool_calls[${k}]`;
    if (!isRecord(call) || call.type !== 'function' || !isRecord(call.function)) {
      throw unsupportedValue(
        `${p}.type`,
        `'${isRecord(call) ? String(call.type) : typeof call}'`,
        'Responses',
        'takes only function tool calls from this gateway',
      );
    }
    const id = str(call.id);
    const name = str(call.function.name);
    if (id === undefined) throw invalid(`${p}.id`, 'a string');
    if (name === undefined) throw invalid(`${p}.function.name`, 'a string');
    items.push({ type: 'function_call', call_id: id, name, arguments: str(call.function.arguments) ?? '' });
  });
  return items;
}

function toolOutput(content: unknown, param: string): unknown {
  if (typeof content === 'string') return content;
  textContent(content, param); // validates: text parts only
  return (content as JsonObject[]).map((part) => ({ type: 'input_text', text: part.text }));
}

/** Translates chat `messages`; unknown message fields that carry a value are reported in `dropped`. */
export function chatMessagesToInput(messages: unknown, dropped: string[]): ChatInput {
  if (!Array.isArray(messages)) throw invalid('messages', 'an array');
  const instructions: string[] = [];
  const input: JsonObject[] = [];
  messages.forEach((msg: unknown, i) => {
    const param = `messages[${i}]`;
    if (!isRecord(msg)) throw invalid(param, 'a message object');
    if (msg.role === 'function') {
      throw unsupportedValue(
        `${param}.role`,
        "'function'",
        'Responses',
        "takes 'tool' messages instead of the deprecated 'function' role",
      );
    }
    // Responses has no participant names: dropping one could change how the model reads the turn.
    if (!isAbsent(msg.name) && msg.name !== '')
      throw unsupported(`${param}.name`, 'Responses', 'has no participant names');
    for (const [key, value] of Object.entries(msg)) {
      if (!KNOWN_MESSAGE_KEYS.has(key) && !isAbsent(value)) dropped.push(`${param}.${key}`);
    }
    switch (msg.role) {
      case 'system':
      case 'developer':
        instructions.push(textContent(msg.content, `${param}.content`));
        break;
      case 'user':
        input.push(userItem(msg.content, `${param}.content`));
        break;
      case 'assistant':
        input.push(...assistantItems(msg, param));
        break;
      case 'tool': {
        const callId = str(msg.tool_call_id);
        if (callId === undefined) throw invalid(`${param}.tool_call_id`, 'a string');
        input.push({
          type: 'function_call_output',
          call_id: callId,
          output: toolOutput(msg.content, `${param}.content`),
        });
        break;
      }
      default:
        throw invalid(`${param}.role`, "one of 'system', 'developer', 'user', 'assistant' or 'tool'");
    }
  });
  return { instructions: instructions.length > 0 ? instructions.join('\n\n') : undefined, input };
}
