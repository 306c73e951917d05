// POST …/chat/completions: Azure's chat.completion object and its SSE chunk sequence.
//
// Azure differs from OpenAI in ways a gateway must survive: the first stream event is a
// prompt-filter chunk with `choices: []` and empty id/model/object, content chunks carry
// `content_filter_results`, and keys come out in alphabetical order. With
// `stream_options.include_usage` every chunk carries `"usage": null` and a final chunk with
// `choices: []` carries the usage, before `[DONE]`.
// https://learn.microsoft.com/azure/ai-foundry/openai/concepts/content-filter
import {
  DEFAULT_CONTENT_CHUNKS,
  REASONING_TOKENS,
  SYSTEM_FINGERPRINT,
  asksForTools,
  countWords,
  filteredOutputFilter,
  fragments,
  isRecord,
  limitWords,
  newId,
  nowSeconds,
  parallelCalls,
  promptFilterResults,
  promptTokensOf,
  replyTo,
  safeOutputFilter,
  splitIntoChunks,
  textOf,
  type OfferedTool,
} from './content.js';
import { dataFrame, type SimCall, type SimReply } from './reply.js';

type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** Everything both the JSON and the SSE form are built from. */
interface ChatPlan {
  id: string;
  created: number;
  model: string;
  /** The reply text, or null when the model answers with tool calls. */
  text: string | null;
  toolCalls: ToolCall[];
  finish: FinishReason;
  promptTokens: number;
  reasoningTokens: number;
}

function offeredTools(body: Record<string, unknown>): OfferedTool[] {
  if (!Array.isArray(body.tools)) return [];
  return body.tools.flatMap((t: unknown) => {
    const fn = isRecord(t) && isRecord(t.function) ? t.function : undefined;
    return fn && typeof fn.name === 'string' ? [{ name: fn.name, parameters: fn.parameters }] : [];
  });
}

function maxTokens(body: Record<string, unknown>): number | undefined {
  const v = body.max_completion_tokens ?? body.max_tokens;
  return typeof v === 'number' ? v : undefined;
}

function plan(call: SimCall): ChatPlan {
  const messages = Array.isArray(call.body.messages) ? call.body.messages.filter(isRecord) : [];
  const texts = messages.map((m) => textOf(m.content));
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const userText = lastUser ? textOf(lastUser.content) : '';
  const tools = offeredTools(call.body);
  const base = {
    id: newId('chatcmpl-'),
    created: nowSeconds(),
    model: call.model,
    promptTokens: promptTokensOf(texts),
    reasoningTokens: call.behaviour.reasoning ? REASONING_TOKENS : 0,
  };
  if (tools.length > 0 && (call.behaviour.toolCalls || asksForTools(userText))) {
    const toolCalls = parallelCalls(tools).map((c) => ({
      id: newId('call_'),
      name: c.tool.name,
      arguments: c.arguments,
    }));
    return { ...base, text: null, toolCalls, finish: 'tool_calls' };
  }
  let reply = replyTo(userText);
  let finish: FinishReason = 'stop';
  if (call.behaviour.finish === 'length') {
    reply = limitWords(reply, Math.ceil(countWords(reply) / 2)).text;
    finish = 'length';
  }
  const limited = limitWords(reply, maxTokens(call.body));
  if (limited.truncated) finish = 'length';
  if (call.behaviour.finish === 'content_filter') finish = 'content_filter';
  return { ...base, text: limited.text, toolCalls: [], finish };
}

function usage(p: ChatPlan, completionText: string): Record<string, unknown> {
  const toolWords = p.toolCalls.reduce((n, c) => n + countWords(c.name) + countWords(c.arguments), 0);
  const completion = countWords(completionText) + toolWords + p.reasoningTokens;
  return {
    completion_tokens: completion,
    completion_tokens_details: {
      accepted_prediction_tokens: 0,
      audio_tokens: 0,
      reasoning_tokens: p.reasoningTokens,
      rejected_prediction_tokens: 0,
    },
    prompt_tokens: p.promptTokens,
    prompt_tokens_details: { audio_tokens: 0, cached_tokens: 0 },
    total_tokens: p.promptTokens + completion,
  };
}

function choiceFilter(p: ChatPlan): Record<string, unknown> {
  if (p.finish === 'content_filter') return filteredOutputFilter();
  return p.text === null ? {} : safeOutputFilter();
}

function jsonReply(p: ChatPlan): SimReply {
  const filtered = p.finish === 'content_filter';
  const message: Record<string, unknown> = {
    annotations: [],
    // Azure withholds the text of a filtered completion.
    content: filtered ? null : p.text,
    refusal: null,
    role: 'assistant',
  };
  if (p.toolCalls.length > 0) {
    message.tool_calls = p.toolCalls.map((c) => ({
      function: { arguments: c.arguments, name: c.name },
      id: c.id,
      type: 'function',
    }));
  }
  const u = usage(p, p.text ?? '');
  return {
    kind: 'json',
    status: 200,
    tokens: Number(u.total_tokens),
    body: {
      choices: [
        { content_filter_results: choiceFilter(p), finish_reason: p.finish, index: 0, logprobs: null, message },
      ],
      created: p.created,
      id: p.id,
      model: p.model,
      object: 'chat.completion',
      prompt_filter_results: promptFilterResults(),
      system_fingerprint: SYSTEM_FINGERPRINT,
      usage: u,
    },
  };
}

function sseReply(p: ChatPlan, call: SimCall): SimReply {
  const streamOptions = isRecord(call.body.stream_options) ? call.body.stream_options : {};
  const includeUsage = streamOptions.include_usage === true;
  const nullUsage = includeUsage ? { usage: null } : {};
  const chunk = (
    delta: Record<string, unknown>,
    filter: Record<string, unknown>,
    finish: FinishReason | null,
  ): string =>
    dataFrame({
      choices: [{ content_filter_results: filter, delta, finish_reason: finish, index: 0, logprobs: null }],
      created: p.created,
      id: p.id,
      model: p.model,
      object: 'chat.completion.chunk',
      system_fingerprint: SYSTEM_FINGERPRINT,
      ...nullUsage,
    });

  const frames = [
    dataFrame({
      choices: [],
      created: 0,
      id: '',
      model: '',
      object: '',
      prompt_filter_results: promptFilterResults(),
      ...nullUsage,
    }),
  ];
  frames.push(chunk({ content: p.text === null ? null : '', refusal: null, role: 'assistant' }, {}, null));
  let streamed = '';
  if (p.text !== null) {
    for (const piece of splitIntoChunks(p.text, call.behaviour.contentChunks ?? DEFAULT_CONTENT_CHUNKS)) {
      streamed += piece;
      frames.push(chunk({ content: piece }, safeOutputFilter(), null));
    }
  }
  for (const [index, c] of p.toolCalls.entries()) {
    frames.push(
      chunk(
        { tool_calls: [{ function: { arguments: '', name: c.name }, id: c.id, index, type: 'function' }] },
        {},
        null,
      ),
    );
    for (const part of fragments(c.arguments, 3)) {
      frames.push(chunk({ tool_calls: [{ function: { arguments: part }, index }] }, {}, null));
    }
  }
  frames.push(chunk({}, p.finish === 'content_filter' ? filteredOutputFilter() : {}, p.finish));
  const u = usage(p, streamed);
  if (includeUsage) {
    frames.push(
      dataFrame({
        choices: [],
        created: p.created,
        id: p.id,
        model: p.model,
        object: 'chat.completion.chunk',
        system_fingerprint: SYSTEM_FINGERPRINT,
        usage: u,
      }),
    );
  }
  frames.push(dataFrame('[DONE]'));
  return { kind: 'sse', frames, tokens: Number(u.total_tokens) };
}

/** Answers a chat-completions call as Azure would (JSON, or SSE when `stream: true`). */
export function chatReply(call: SimCall): SimReply {
  const p = plan(call);
  return call.body.stream === true ? sseReply(p, call) : jsonReply(p);
}
