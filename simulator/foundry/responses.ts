// POST …/responses: the Responses API `response` object and its typed SSE event sequence
// (`event: <type>` + `data: <json>` with a `sequence_number`), as the official `openai` SDK's
// `responses.stream()` accumulator expects it: created, in_progress, then per output item
// added → parts/deltas → done, then completed (or incomplete).
// https://platform.openai.com/docs/api-reference/responses-streaming
import {
  DEFAULT_CONTENT_CHUNKS,
  REASONING_TOKENS,
  asksForTools,
  countWords,
  fragments,
  isRecord,
  limitWords,
  newId,
  nowSeconds,
  parallelCalls,
  promptTokensOf,
  replyTo,
  splitIntoChunks,
  textOf,
  type OfferedTool,
} from './content.js';
import { eventFrame, type SimCall, type SimReply } from './reply.js';

type Item = Record<string, unknown> & { id: string; type: 'reasoning' | 'message' | 'function_call' };

interface Input {
  texts: string[];
  userText: string;
  tools: OfferedTool[];
  maxOutputTokens: number | undefined;
}

function readInput(body: Record<string, unknown>): Input {
  const texts: string[] = typeof body.instructions === 'string' ? [body.instructions] : [];
  let userText = '';
  if (typeof body.input === 'string') {
    texts.push(body.input);
    userText = body.input;
  } else if (Array.isArray(body.input)) {
    for (const item of body.input.filter(isRecord)) {
      const text =
        item.type === 'function_call_output' && typeof item.output === 'string' ? item.output : textOf(item.content);
      texts.push(text);
      if (item.role === 'user') userText = text;
    }
  }
  const tools = Array.isArray(body.tools)
    ? body.tools.flatMap((t: unknown) =>
        isRecord(t) && t.type === 'function' && typeof t.name === 'string'
          ? [{ name: t.name, parameters: t.parameters }]
          : [],
      )
    : [];
  const max = body.max_output_tokens;
  return { texts, userText, tools, maxOutputTokens: typeof max === 'number' ? max : undefined };
}

/** The reply before it is framed: the text (streamed form already padded), calls and end state. */
interface Plan {
  id: string;
  createdAt: number;
  reasoningId?: string;
  text?: { id: string; pieces: string[] };
  calls: Array<{ id: string; callId: string; name: string; arguments: string }>;
  incomplete?: 'max_output_tokens' | 'content_filter';
  inputTokens: number;
}

function plan(call: SimCall, stream: boolean): Plan {
  const input = readInput(call.body);
  const p: Plan = {
    id: newId('resp_', 24),
    createdAt: nowSeconds(),
    calls: [],
    inputTokens: promptTokensOf(input.texts),
  };
  if (call.behaviour.reasoning) p.reasoningId = newId('rs_', 24);
  if (input.tools.length > 0 && (call.behaviour.toolCalls || asksForTools(input.userText))) {
    p.calls = parallelCalls(input.tools).map((c) => ({
      id: newId('fc_', 24),
      callId: newId('call_'),
      name: c.tool.name,
      arguments: c.arguments,
    }));
    return p;
  }
  let reply = replyTo(input.userText);
  if (call.behaviour.finish === 'length') {
    reply = limitWords(reply, Math.ceil(countWords(reply) / 2)).text;
    p.incomplete = 'max_output_tokens';
  }
  const limited = limitWords(reply, input.maxOutputTokens);
  if (limited.truncated) p.incomplete = 'max_output_tokens';
  if (call.behaviour.finish === 'content_filter') p.incomplete = 'content_filter';
  const pieces = stream
    ? splitIntoChunks(limited.text, call.behaviour.contentChunks ?? DEFAULT_CONTENT_CHUNKS)
    : [limited.text];
  p.text = { id: newId('msg_', 24), pieces };
  return p;
}

function outputText(text: string): Record<string, unknown> {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

function finalItems(p: Plan): Item[] {
  const items: Item[] = [];
  if (p.reasoningId) items.push({ id: p.reasoningId, type: 'reasoning', summary: [] });
  if (p.text) {
    items.push({
      id: p.text.id,
      type: 'message',
      status: p.incomplete ? 'incomplete' : 'completed',
      role: 'assistant',
      content: [outputText(p.text.pieces.join(''))],
    });
  }
  for (const c of p.calls) {
    items.push({
      id: c.id,
      type: 'function_call',
      status: 'completed',
      arguments: c.arguments,
      call_id: c.callId,
      name: c.name,
    });
  }
  return items;
}

function outputTokens(p: Plan): number {
  const words =
    countWords(p.text?.pieces.join('') ?? '') +
    p.calls.reduce((n, c) => n + countWords(c.name) + countWords(c.arguments), 0);
  return words + (p.reasoningId ? REASONING_TOKENS : 0);
}

function usage(p: Plan): Record<string, unknown> {
  const output = outputTokens(p);
  return {
    input_tokens: p.inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: p.reasoningId ? REASONING_TOKENS : 0 },
    total_tokens: p.inputTokens + output,
  };
}

/** The `response` object; `final` false gives the in-progress snapshot the first events carry. */
function responseObject(p: Plan, call: SimCall, final: boolean): Record<string, unknown> {
  const b = call.body;
  return {
    id: p.id,
    object: 'response',
    created_at: p.createdAt,
    status: !final ? 'in_progress' : p.incomplete ? 'incomplete' : 'completed',
    background: false,
    error: null,
    incomplete_details: final && p.incomplete ? { reason: p.incomplete } : null,
    instructions: typeof b.instructions === 'string' ? b.instructions : null,
    max_output_tokens: typeof b.max_output_tokens === 'number' ? b.max_output_tokens : null,
    model: call.model,
    output: final ? finalItems(p) : [],
    parallel_tool_calls: b.parallel_tool_calls !== false,
    previous_response_id: typeof b.previous_response_id === 'string' ? b.previous_response_id : null,
    reasoning: { effort: p.reasoningId ? 'medium' : null, summary: null },
    service_tier: 'default',
    store: b.store !== false,
    temperature: typeof b.temperature === 'number' ? b.temperature : 1,
    text: { format: { type: 'text' } },
    tool_choice: b.tool_choice ?? 'auto',
    tools: Array.isArray(b.tools) ? b.tools : [],
    top_p: typeof b.top_p === 'number' ? b.top_p : 1,
    truncation: 'disabled',
    usage: final ? usage(p) : null,
    user: null,
    metadata: isRecord(b.metadata) ? b.metadata : {},
  };
}

function sseReply(p: Plan, call: SimCall): SimReply {
  const frames: string[] = [];
  const emit = (type: string, fields: Record<string, unknown>): void => {
    frames.push(eventFrame(type, { type, sequence_number: frames.length, ...fields }));
  };
  emit('response.created', { response: responseObject(p, call, false) });
  emit('response.in_progress', { response: responseObject(p, call, false) });
  for (const [output_index, item] of finalItems(p).entries()) {
    const item_id = item.id;
    if (item.type === 'reasoning') {
      emit('response.output_item.added', { output_index, item });
    } else if (item.type === 'message' && p.text) {
      emit('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', content: [] } });
      emit('response.content_part.added', { item_id, output_index, content_index: 0, part: outputText('') });
      for (const delta of p.text.pieces) {
        emit('response.output_text.delta', { item_id, output_index, content_index: 0, delta, logprobs: [] });
      }
      const text = p.text.pieces.join('');
      emit('response.output_text.done', { item_id, output_index, content_index: 0, text, logprobs: [] });
      emit('response.content_part.done', { item_id, output_index, content_index: 0, part: outputText(text) });
    } else if (item.type === 'function_call') {
      const args = String(item.arguments);
      emit('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', arguments: '' } });
      for (const delta of fragments(args, 3)) {
        emit('response.function_call_arguments.delta', { item_id, output_index, delta });
      }
      emit('response.function_call_arguments.done', { item_id, output_index, name: item.name, arguments: args });
    }
    emit('response.output_item.done', { output_index, item });
  }
  emit(p.incomplete ? 'response.incomplete' : 'response.completed', { response: responseObject(p, call, true) });
  return { kind: 'sse', frames, tokens: p.inputTokens + outputTokens(p) };
}

/** Answers a Responses API call (JSON, or typed SSE events when `stream: true`). */
export function responsesReply(call: SimCall): SimReply {
  const stream = call.body.stream === true;
  const p = plan(call, stream);
  if (stream) return sseReply(p, call);
  return { kind: 'json', status: 200, body: responseObject(p, call, true), tokens: p.inputTokens + outputTokens(p) };
}
