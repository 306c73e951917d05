// Scripted upstream streams for the translation tests, framed exactly as Azure frames them
// (see simulator/foundry/responses.ts and chat.ts), for what the simulator does not
// script: structured output, reasoning summaries and reasoning text, refusals, and errors in the
// middle of a stream.
import { promptFilterResults, safeOutputFilter } from '../../simulator/foundry/content.js';
import { dataFrame, eventFrame } from '../../simulator/foundry/reply.js';

type Fields = Record<string, unknown>;

/** A Responses event stream from a list of `[type, fields]`, numbered like Azure numbers it. */
export function responsesScript(events: Array<[string, Fields]>): string[] {
  return events.map(([type, fields], sequence_number) => eventFrame(type, { type, sequence_number, ...fields }));
}

/** A `response` object as Azure sends it in lifecycle events. */
export function scriptedResponse(status: string, output: Fields[], extra: Fields = {}): Fields {
  return {
    id: 'resp_script0001',
    object: 'response',
    created_at: 1_750_000_000,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model: 'gpt-5-codex',
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: 'medium', summary: 'auto' },
    service_tier: 'default',
    store: false,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage:
      status === 'in_progress'
        ? null
        : {
            input_tokens: 40,
            input_tokens_details: { cached_tokens: 32 },
            output_tokens: 30,
            output_tokens_details: { reasoning_tokens: 20 },
            total_tokens: 70,
          },
    user: null,
    metadata: {},
    ...extra,
  };
}

const text = (t: string): Fields => ({ type: 'output_text', annotations: [], logprobs: [], text: t });

/** The events of a reasoning item with a streamed summary (which a chat client must not see). */
export function reasoningEvents(index: number, summary: string[]): Array<[string, Fields]> {
  const id = `rs_script${index}`;
  const at = { item_id: id, output_index: index, summary_index: 0 };
  const full = summary.join('');
  return [
    ['response.output_item.added', { output_index: index, item: { id, type: 'reasoning', summary: [] } }],
    ['response.reasoning_summary_part.added', { ...at, part: { type: 'summary_text', text: '' } }],
    ...summary.map((delta): [string, Fields] => ['response.reasoning_summary_text.delta', { ...at, delta }]),
    ['response.reasoning_summary_text.done', { ...at, text: full }],
    ['response.reasoning_summary_part.done', { ...at, part: { type: 'summary_text', text: full } }],
    [
      'response.output_item.done',
      { output_index: index, item: { id, type: 'reasoning', summary: [{ type: 'summary_text', text: full }] } },
    ],
  ];
}

/** The events of an assistant message item streaming `pieces`; `close` false stops after the deltas. */
export function messageEvents(index: number, pieces: string[], close = true): Array<[string, Fields]> {
  const id = `msg_script${index}`;
  const at = { item_id: id, output_index: index, content_index: 0 };
  const full = pieces.join('');
  const events: Array<[string, Fields]> = [
    [
      'response.output_item.added',
      { output_index: index, item: { id, type: 'message', status: 'in_progress', role: 'assistant', content: [] } },
    ],
    ['response.content_part.added', { ...at, part: text('') }],
    ...pieces.map((delta): [string, Fields] => ['response.output_text.delta', { ...at, delta, logprobs: [] }]),
  ];
  if (!close) return events;
  return [
    ...events,
    ['response.output_text.done', { ...at, text: full, logprobs: [] }],
    ['response.content_part.done', { ...at, part: text(full) }],
    ['response.output_item.done', { output_index: index, item: messageItem(index, full) }],
  ];
}

/** The final form of the message item `messageEvents` streams. */
export function messageItem(index: number, full: string): Fields {
  return { id: `msg_script${index}`, type: 'message', status: 'completed', role: 'assistant', content: [text(full)] };
}

/** A chat stream as Azure frames it: the prompt-filter chunk, the role chunk, then `deltas`. */
export function chatScript(
  deltas: Array<{ delta: Fields; finish?: string } | { error: Fields }>,
  opts: { usage?: Fields; done?: boolean } = {},
): string[] {
  const base = {
    created: 1_750_000_000,
    id: 'chatcmpl-script01',
    model: 'DeepSeek-R1',
    object: 'chat.completion.chunk',
    system_fingerprint: 'fp_script',
  };
  const chunk = (delta: Fields, finish: string | null): string =>
    dataFrame({
      ...base,
      choices: [{ content_filter_results: safeOutputFilter(), delta, finish_reason: finish, index: 0, logprobs: null }],
      usage: null,
    });
  const frames = [
    dataFrame({
      choices: [],
      created: 0,
      id: '',
      model: '',
      object: '',
      prompt_filter_results: promptFilterResults(),
      usage: null,
    }),
    chunk({ content: '', refusal: null, role: 'assistant' }, null),
  ];
  for (const d of deltas) frames.push('error' in d ? dataFrame({ error: d.error }) : chunk(d.delta, d.finish ?? null));
  if (opts.usage) frames.push(dataFrame({ ...base, choices: [], usage: opts.usage }));
  if (opts.done !== false) frames.push(dataFrame('[DONE]'));
  return frames;
}
