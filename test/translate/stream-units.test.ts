/**
 * The two stream converters fed event by event, for the edges an SDK run does not reach:
 * exactly one [DONE] whatever follows, arguments that arrive whole instead of as deltas, no usage
 * chunk unless asked, interleaved chat tool-call deltas, Azure's empty prompt-filter chunk, and
 * answers that never finish.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChatToResponsesStream } from '../../proxy/translate/chat-stream-to-responses.js';
import { ResponsesToChatStream } from '../../proxy/translate/responses-stream-to-chat.js';
import { chatScript, messageEvents, responsesScript, scriptedResponse } from '../harness/translate-scripts.js';

/** Splits scripted frames back into the events an SSE parser would hand over. */
function events(frames: string[]): Array<{ event?: string; data: string }> {
  return frames.map((f) => {
    const event = /^event: (.*)$/m.exec(f)?.[1];
    const data = /^data: (.*)$/m.exec(f)?.[1] ?? '';
    return event === undefined ? { data } : { event, data };
  });
}

function payloads(frames: string[]): unknown[] {
  return frames.map((f) => {
    const data = /^data: (.*)$/m.exec(f)?.[1] ?? '';
    return data === '[DONE]' ? '[DONE]' : (JSON.parse(data) as unknown);
  });
}

const completed = scriptedResponse('completed', []);

test('ResponsesToChatStream: one [DONE], nothing after it, whatever the upstream sends next', () => {
  const s = new ResponsesToChatStream();
  const out = events(
    responsesScript([
      ['response.created', { response: scriptedResponse('in_progress', []) }],
      ...messageEvents(0, ['Hi']),
      ['response.completed', { response: completed }],
      ['response.completed', { response: completed }],
    ]),
  ).flatMap((e) => s.push(e));
  const after = [...s.push({ data: '{"type":"response.output_text.delta","delta":"late"}' }), ...s.end()];
  assert.deepEqual(after, []);
  assert.equal(out.filter((f) => f === 'data: [DONE]\n\n').length, 1);
  assert.equal(out.at(-1), 'data: [DONE]\n\n');
  assert.equal(s.outcome, 'completed');
  // Without include_usage there is no usage chunk and no `usage` key on chunks.
  const chunks = payloads(out).filter((p): p is Record<string, unknown> => typeof p === 'object');
  assert.ok(chunks.every((c) => !('usage' in c) && Array.isArray(c.choices) && c.choices.length === 1));
  assert.deepEqual(s.usage, {
    prompt_tokens: 40,
    completion_tokens: 30,
    total_tokens: 70,
    prompt_tokens_details: { cached_tokens: 32 },
    completion_tokens_details: { reasoning_tokens: 20 },
  });
});

test('ResponsesToChatStream: arguments that arrive only on .done or on the item are sent once, in full', () => {
  const s = new ResponsesToChatStream({ model: 'm' });
  const call = {
    id: 'fc_1',
    type: 'function_call',
    status: 'in_progress',
    call_id: 'call_1',
    name: 'f',
    arguments: '',
  };
  const out = [
    ...s.push({ data: JSON.stringify({ type: 'response.output_item.added', output_index: 0, item: call }) }),
    ...s.push({
      data: JSON.stringify({
        type: 'response.function_call_arguments.delta',
        item_id: 'fc_1',
        output_index: 0,
        delta: '{"a":',
      }),
    }),
    ...s.push({
      data: JSON.stringify({
        type: 'response.function_call_arguments.done',
        item_id: 'fc_1',
        output_index: 0,
        arguments: '{"a":1}',
      }),
    }),
    ...s.push({
      data: JSON.stringify({
        type: 'response.output_item.done',
        output_index: 0,
        item: { ...call, status: 'completed', arguments: '{"a":1}' },
      }),
    }),
    // A second call whose arguments come whole on the done item, with no deltas at all.
    ...s.push({
      data: JSON.stringify({
        type: 'response.output_item.done',
        output_index: 1,
        item: { ...call, id: 'fc_2', call_id: 'call_2', arguments: '{"b":2}' },
      }),
    }),
    ...s.push({ data: JSON.stringify({ type: 'response.completed', response: completed }) }),
  ];
  const calls = payloads(out)
    .flatMap((p) => (p as { choices?: Array<{ delta: { tool_calls?: unknown[] } }> }).choices ?? [])
    .flatMap((c) => c.delta.tool_calls ?? []);
  assert.deepEqual(calls, [
    { index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } },
    { index: 0, function: { arguments: '{"a":' } },
    { index: 0, function: { arguments: '1}' } },
    { index: 1, id: 'call_2', type: 'function', function: { name: 'f', arguments: '' } },
    { index: 1, function: { arguments: '{"b":2}' } },
  ]);
  const finish = payloads(out).at(-2) as { choices: Array<{ finish_reason: string }> };
  assert.equal(finish.choices[0]?.finish_reason, 'tool_calls');
});

test('ResponsesToChatStream: an upstream that stops before response.completed ends in an error frame', () => {
  const s = new ResponsesToChatStream();
  s.push({ data: JSON.stringify({ type: 'response.created', response: scriptedResponse('in_progress', []) }) });
  const out = s.end();
  assert.deepEqual(payloads(out), [
    {
      error: {
        message: 'The upstream stream ended before the response was complete.',
        type: 'api_error',
        param: null,
        code: 'server_error',
      },
    },
  ]);
  assert.equal(s.outcome, 'failed');
  assert.deepEqual(s.end(), []);
});

test('ResponsesToChatStream: a non-JSON event fails the stream rather than being skipped', () => {
  const s = new ResponsesToChatStream();
  assert.match(s.push({ data: 'not json' })[0] ?? '', /"message":"The upstream sent an event that is not JSON\."/);
  assert.deepEqual(s.push({ data: JSON.stringify({ type: 'response.completed', response: completed }) }), []);
});

test("ChatToResponsesStream: Azure's empty prompt-filter chunk neither starts the response nor sets its id", () => {
  const s = new ChatToResponsesStream({ request: { model: 'chat-deployment', input: 'hi' } });
  const [filter, ...rest] = events(chatScript([{ delta: { content: 'Hi' } }, { delta: {}, finish: 'stop' }]));
  assert.ok(filter);
  assert.deepEqual(s.push(filter), []);
  const out = rest.flatMap((e) => s.push(e));
  const first = payloads(out)[0] as { type: string; response: { id: string; model: string } };
  assert.equal(first.type, 'response.created');
  assert.equal(first.response.id, 'resp_chatcmpl-script01');
  assert.equal(first.response.model, 'DeepSeek-R1');
  assert.equal(s.outcome, 'completed');
  assert.deepEqual(s.end(), []);
});

test('ChatToResponsesStream: interleaved tool-call deltas land on their own items, closed in output order', () => {
  const s = new ChatToResponsesStream({ request: { model: 'm', input: 'x' } });
  const out = events(
    chatScript(
      [
        {
          delta: {
            tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '{"x"' } }],
          },
        },
        {
          delta: {
            tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'g', arguments: '{"y"' } }],
          },
        },
        { delta: { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] } },
        { delta: { tool_calls: [{ index: 1, function: { arguments: ':2}' } }] } },
        { delta: {}, finish: 'tool_calls' },
      ],
      { usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } },
    ),
  ).flatMap((e) => s.push(e));
  const evs = payloads(out) as Array<Record<string, unknown>>;
  const done = evs
    .filter((e) => e.type === 'response.function_call_arguments.done')
    .map((e) => [e.output_index, e.arguments]);
  assert.deepEqual(done, [
    [0, '{"x":1}'],
    [1, '{"y":2}'],
  ]);
  const final = evs.at(-1) as {
    type: string;
    response: { output: Array<Record<string, unknown>>; usage: Record<string, unknown> };
  };
  assert.equal(final.type, 'response.completed');
  assert.deepEqual(
    final.response.output.map((i) => [i.id, i.call_id, i.arguments, i.status]),
    [
      ['fc_chatcmpl-script01_0', 'call_a', '{"x":1}', 'completed'],
      ['fc_chatcmpl-script01_1', 'call_b', '{"y":2}', 'completed'],
    ],
  );
  assert.equal(final.response.usage.total_tokens, 3);
});

test('ChatToResponsesStream: [DONE] without a finish_reason fails the response', () => {
  const s = new ChatToResponsesStream({ request: { model: 'm', input: 'x' } });
  const out = events(chatScript([{ delta: { content: 'Half' } }])).flatMap((e) => s.push(e));
  const evs = payloads(out) as Array<{ type: string }>;
  assert.deepEqual(
    evs.slice(-2).map((e) => e.type),
    ['error', 'response.failed'],
  );
  assert.equal(s.outcome, 'failed');
  assert.deepEqual(s.push({ data: '[DONE]' }), []);
});
