// POST …/completions, the legacy Completions API: Azure still serves it for the models that
// offer it (gpt-35-turbo-instruct, davinci-002, babbage-002) and refuses it for chat models with
// OperationNotSupported. A stream starts with the same prompt-filter chunk as chat
// (`choices: []`, empty id), then `text_completion` chunks, then `[DONE]`.
// https://learn.microsoft.com/azure/ai-foundry/openai/reference#completions
import {
  DEFAULT_CONTENT_CHUNKS,
  countWords,
  isRecord,
  limitWords,
  newId,
  nowSeconds,
  promptFilterResults,
  replyTo,
  safeOutputFilter,
  splitIntoChunks,
} from './content.js';
import { dataFrame, errorReply, type SimCall, type SimReply } from './reply.js';

/** True for the model families Azure still offers the Completions API for. */
export function offersCompletions(model: string): boolean {
  return /instruct|davinci|babbage/i.test(model);
}

function promptText(prompt: unknown): string {
  if (typeof prompt === 'string') return prompt;
  return Array.isArray(prompt) ? prompt.filter((p): p is string => typeof p === 'string').join(' ') : '';
}

/** Answers a completions call as Azure would (JSON, or SSE when `stream: true`). */
export function completionsReply(call: SimCall): SimReply {
  if (!offersCompletions(call.model)) {
    return errorReply({
      status: 400,
      body: {
        error: {
          code: 'OperationNotSupported',
          message: `The completion operation does not work with the specified model, ${call.model}. Please choose different model and try again. You can learn more about which models can be used with each operation here: https://go.microsoft.com/fwlink/?linkid=2197993.`,
        },
      },
      headers: {},
    });
  }
  const prompt = promptText(call.body.prompt);
  const maxTokens = typeof call.body.max_tokens === 'number' ? call.body.max_tokens : 16;
  const limited = limitWords(replyTo(prompt), maxTokens);
  const finish = limited.truncated ? 'length' : 'stop';
  const promptTokens = countWords(prompt);
  const completion = countWords(limited.text);
  const usage = { completion_tokens: completion, prompt_tokens: promptTokens, total_tokens: promptTokens + completion };
  const id = newId('cmpl-');
  const created = nowSeconds();
  if (call.body.stream !== true) {
    return {
      kind: 'json',
      status: 200,
      tokens: usage.total_tokens,
      body: {
        choices: [
          {
            content_filter_results: safeOutputFilter(),
            finish_reason: finish,
            index: 0,
            logprobs: null,
            text: limited.text,
          },
        ],
        created,
        id,
        model: call.model,
        object: 'text_completion',
        prompt_filter_results: promptFilterResults(),
        usage,
      },
    };
  }
  const withUsage = isRecord(call.body.stream_options) && call.body.stream_options.include_usage === true;
  const chunk = (text: string, finishReason: string | null): string =>
    dataFrame({
      choices: [
        {
          content_filter_results: text ? safeOutputFilter() : {},
          finish_reason: finishReason,
          index: 0,
          logprobs: null,
          text,
        },
      ],
      created,
      id,
      model: call.model,
      object: 'text_completion',
    });
  const frames = [
    dataFrame({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: promptFilterResults() }),
  ];
  for (const piece of splitIntoChunks(limited.text, call.behaviour.contentChunks ?? DEFAULT_CONTENT_CHUNKS))
    frames.push(chunk(piece, null));
  frames.push(chunk('', finish));
  if (withUsage)
    frames.push(dataFrame({ choices: [], created, id, model: call.model, object: 'text_completion', usage }));
  frames.push(dataFrame('[DONE]'));
  return { kind: 'sse', frames, tokens: usage.total_tokens };
}
