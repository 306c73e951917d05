/**
 * Responses `instructions` + `input` → chat `messages`. Instructions become a leading system
 * message; `function_call` items that follow each other (and the assistant message item right
 * before them, if any) become ONE assistant message with `tool_calls`, because chat models see
 * parallel calls as one turn; `function_call_output` items become tool messages. Reasoning
 * items are dropped (chat backends take no reasoning back); stored-item references cannot be
 * resolved without the Responses store and are rejected.
 */
import { isAbsent, isRecord, str, type JsonObject } from './json.js';
import { invalid, unsupported, unsupportedValue } from './result.js';

const API = 'Chat Completions';

function typeOf(value: unknown): string {
  return `'${isRecord(value) ? String(value.type) : typeof value}'`;
}

/** Keeps a part's prompt-cache breakpoint, which both APIs accept on every content part. */
function withBreakpoint(out: JsonObject, part: JsonObject): JsonObject {
  if (!isAbsent(part.prompt_cache_breakpoint)) out.prompt_cache_breakpoint = part.prompt_cache_breakpoint;
  return out;
}

function inputPart(part: unknown, param: string, textOnly: boolean): JsonObject {
  if (!isRecord(part)) throw invalid(param, 'a content part object');
  if (part.type === 'input_text' || part.type === 'output_text') {
    if (typeof part.text !== 'string') throw invalid(`${param}.text`, 'a string');
    return withBreakpoint({ type: 'text', text: part.text }, part);
  }
  if (textOnly) throw unsupportedValue(`${param}.type`, typeOf(part), API, 'takes only text here');
  if (part.type === 'input_image') {
    const url = str(part.image_url);
    if (url === undefined) throw unsupported(`${param}.file_id`, API, 'takes images by URL or data URL only');
    const image: JsonObject = { url };
    if (!isAbsent(part.detail)) image.detail = part.detail;
    return withBreakpoint({ type: 'image_url', image_url: image }, part);
  }
  if (part.type === 'input_file') {
    if (!isAbsent(part.file_url)) throw unsupported(`${param}.file_url`, API, 'takes files as data or file ids only');
    const file: JsonObject = {};
    for (const key of ['file_data', 'file_id', 'filename']) if (!isAbsent(part[key])) file[key] = part[key];
    return withBreakpoint({ type: 'file', file }, part);
  }
  if (part.type === 'input_audio') return withBreakpoint({ type: 'input_audio', input_audio: part.input_audio }, part);
  throw unsupportedValue(`${param}.type`, typeOf(part), API);
}

function messageContent(content: unknown, param: string, textOnly: boolean): unknown {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalid(param, 'a string or an array of content parts');
  return content.map((part: unknown, j) => inputPart(part, `${param}[${j}]`, textOnly));
}

/** An assistant message item → chat's assistant message (text joined, refusal kept apart). */
function assistantMessage(content: unknown, param: string): JsonObject {
  if (typeof content === 'string') return { role: 'assistant', content };
  if (!Array.isArray(content)) throw invalid(param, 'a string or an array of content parts');
  let text: string | null = null;
  let refusal: string | null = null;
  content.forEach((part: unknown, j) => {
    if (
      isRecord(part) &&
      (part.type === 'output_text' || part.type === 'input_text') &&
      typeof part.text === 'string'
    ) {
      text = (text ?? '') + part.text;
    } else if (isRecord(part) && part.type === 'refusal' && typeof part.refusal === 'string') {
      refusal = (refusal ?? '') + part.refusal;
    } else {
      throw unsupportedValue(`${param}[${j}].type`, typeOf(part), API);
    }
  });
  const msg: JsonObject = { role: 'assistant', content: text };
  if (refusal !== null) msg.refusal = refusal;
  return msg;
}

function toolContent(output: unknown, param: string): unknown {
  if (typeof output === 'string') return output;
  if (!Array.isArray(output)) throw invalid(param, 'a string or an array of content parts');
  // Chat tool messages carry text only; an image or file in a tool result cannot be carried.
  return output.map((part: unknown, j) => inputPart(part, `${param}[${j}]`, true));
}

/** Translates instructions and input into chat messages; dropped reasoning items are listed in `dropped`. */
export function responsesInputToMessages(instructions: unknown, input: unknown, dropped: string[]): JsonObject[] {
  const messages: JsonObject[] = [];
  if (typeof instructions === 'string') messages.push({ role: 'system', content: instructions });
  else if (!isAbsent(instructions)) throw invalid('instructions', 'a string');
  if (typeof input === 'string') {
    messages.push({ role: 'user', content: input });
    return messages;
  }
  if (!Array.isArray(input)) throw invalid('input', 'a string or an array of input items');
  /** The assistant message that following function_call items join, until another item ends the turn. */
  let turn: JsonObject | undefined;
  input.forEach((item: unknown, i) => {
    const param = `input[${i}]`;
    if (!isRecord(item)) throw invalid(param, 'an input item object');
    const type = item.type ?? (item.role !== undefined ? 'message' : undefined);
    if (type === 'reasoning') {
      // Reasoning is the model's own scratch state; a chat model never takes it back.
      dropped.push(param);
      return;
    }
    if (type === 'function_call') {
      const callId = str(item.call_id);
      const name = str(item.name);
      if (callId === undefined) throw invalid(`${param}.call_id`, 'a string');
      if (name === undefined) throw invalid(`${param}.name`, 'a string');
      if (turn === undefined) {
        turn = { role: 'assistant', content: null };
        messages.push(turn);
      }
      const calls = Array.isArray(turn.tool_calls) ? turn.tool_calls : (turn.tool_calls = []);
      calls.push({ id: callId, type: 'function', function: { name, arguments: str(item.arguments) ?? '' } });
      return;
    }
    turn = undefined;
    if (type === 'function_call_output') {
      const callId = str(item.call_id);
      if (callId === undefined) throw invalid(`${param}.call_id`, 'a string');
      messages.push({ role: 'tool', tool_call_id: callId, content: toolContent(item.output, `${param}.output`) });
    } else if (type === 'message') {
      const role = item.role;
      if (role === 'assistant') {
        turn = assistantMessage(item.content, `${param}.content`);
        messages.push(turn);
      } else if (role === 'user' || role === 'system' || role === 'developer') {
        messages.push({ role, content: messageContent(item.content, `${param}.content`, role !== 'user') });
      } else {
        throw invalid(`${param}.role`, "one of 'user', 'assistant', 'system' or 'developer'");
      }
    } else if (type === 'item_reference') {
      throw unsupported(param, API, 'cannot look up items stored by the Responses API; send the item itself');
    } else {
      throw unsupportedValue(`${param}.type`, typeOf(item), API);
    }
  });
  return messages;
}
