/**
 * A Chat Completions client in front of a Responses-only deployment: the official `openai` SDK's
 * `chat.completions.stream()` assembles what ResponsesToChatStream made of the Foundry
 * simulator's (or a scripted, Azure-shaped) Responses event stream. Covers text, images in,
 * parallel tool calls and the turn that sends their results back, structured output, a reasoning
 * model whose first output item is reasoning, the length cut-off, the content filter and upstream
 * errors mid-stream (issue 8).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';
import {
  bridgeOver as viaUpstream,
  bridgeOverSimulator as viaSimulator,
  scenario,
  scriptedUpstream,
  type TranslateBridge,
} from '../harness/translate-bridge.js';
import {
  messageEvents,
  messageItem,
  reasoningEvents,
  responsesScript,
  scriptedResponse,
} from '../harness/translate-scripts.js';

const MODEL = 'codex-deployment';

/** The data payloads the bridge sent, in order ("[DONE]" included). */
function sentData(bridge: TranslateBridge, n = 0): string[] {
  const sent = bridge.exchanges[n]?.sent ?? '';
  return sent
    .split('\n\n')
    .filter((f) => f !== '')
    .map((f) => f.replace(/^data: /, ''));
}

/** The upstream's final `response` object (from response.completed / .incomplete). */
function upstreamFinal(bridge: TranslateBridge, n = 0): Record<string, unknown> {
  const last = bridge.exchanges[n]?.upstreamEvents
    .map((e) => JSON.parse(e.data) as Record<string, unknown>)
    .find((d) => d.type === 'response.completed' || d.type === 'response.incomplete');
  assert.ok(last, 'the upstream completed');
  return last.response as Record<string, unknown>;
}

function assertOneDoneAtEnd(bridge: TranslateBridge, n = 0): void {
  const data = sentData(bridge, n);
  assert.equal(data.filter((d) => d === '[DONE]').length, 1, 'exactly one [DONE]');
  assert.equal(data.at(-1), '[DONE]', '[DONE] is the last frame');
}

test('text: role chunk first, the text, stop, usage mapped from the Responses usage, one [DONE]', async (t) => {
  const { bridge, client } = await viaSimulator(t);
  const stream = client.chat.completions.stream({
    model: MODEL,
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hello there' },
    ],
    stream_options: { include_usage: true },
  });
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  stream.on('chunk', (c) => chunks.push(c));
  const done = await stream.finalChatCompletion();
  assert.equal(done.choices[0]?.message.content, 'Echo: hello there');
  assert.equal(done.choices[0]?.finish_reason, 'stop');
  assert.deepEqual(chunks[0]?.choices[0]?.delta, { role: 'assistant', content: '' });
  const upstream = upstreamFinal(bridge);
  const u = upstream.usage as Record<string, number>;
  assert.deepEqual(done.usage, {
    prompt_tokens: u.input_tokens,
    completion_tokens: u.output_tokens,
    total_tokens: u.total_tokens,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  });
  assert.equal(done.id, upstream.id);
  assert.equal(done.model, MODEL);
  // The usage chunk is the last chunk and has no choices.
  assert.deepEqual(chunks.at(-1)?.choices, []);
  assertOneDoneAtEnd(bridge);
  // The system message went upstream as instructions.
  assert.equal(bridge.exchanges[0]?.upstreamBody?.instructions, 'Be brief.');
});

test('images in: image parts reach the Responses upstream as input_image with their detail', async (t) => {
  const { bridge, client } = await viaSimulator(t);
  const url = 'data:image/png;base64,iVBORw0KGgo=';
  const done = await client.chat.completions
    .stream({
      model: MODEL,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'describe' },
            { type: 'image_url', image_url: { url, detail: 'low' } },
          ],
        },
      ],
    })
    .finalChatCompletion();
  assert.equal(done.choices[0]?.message.content, 'Echo: describe');
  assert.deepEqual(bridge.exchanges[0]?.upstreamBody?.input, [
    {
      type: 'message',
      role: 'user',
      content: [
        { type: 'input_text', text: 'describe' },
        { type: 'input_image', image_url: url, detail: 'low' },
      ],
    },
  ]);
  assertOneDoneAtEnd(bridge);
});

const TOOLS: OpenAI.ChatCompletionFunctionTool[] = [
  {
    type: 'function',
    function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
  },
  {
    type: 'function',
    function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } },
  },
];

test('parallel tool calls: one assistant turn, stable ids and indexes, and the results go back as function_call_output', async (t) => {
  const { bridge, client } = await viaSimulator(t);
  const question: OpenAI.ChatCompletionMessageParam = { role: 'user', content: 'weather and time in Paris?' };
  const stream = client.chat.completions.stream(
    { model: MODEL, messages: [question], tools: TOOLS },
    scenario('toolCalls'),
  );
  const deltas: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
  stream.on('chunk', (c) => deltas.push(...(c.choices[0]?.delta.tool_calls ?? [])));
  const done = await stream.finalChatCompletion();
  const message = done.choices[0]?.message;
  assert.equal(done.choices[0]?.finish_reason, 'tool_calls');
  const upstreamCalls = (upstreamFinal(bridge).output as Array<Record<string, unknown>>).filter(
    (i) => i.type === 'function_call',
  );
  assert.deepEqual(message?.tool_calls, [
    {
      id: upstreamCalls[0]?.call_id,
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"sim-1"}' },
    },
    { id: upstreamCalls[1]?.call_id, type: 'function', function: { name: 'get_time', arguments: '{"zone":"sim-2"}' } },
  ]);
  // Each call is announced once (id + name) and then only extended, at its own index.
  const starts = deltas.filter((d) => d.id !== undefined);
  assert.deepEqual(
    starts.map((d) => [d.index, d.id, d.function?.name]),
    [
      [0, upstreamCalls[0]?.call_id, 'get_weather'],
      [1, upstreamCalls[1]?.call_id, 'get_time'],
    ],
  );
  assert.ok(deltas.filter((d) => d.id === undefined).length >= 2, 'arguments arrive as deltas');
  assert.deepEqual(bridge.exchanges[0]?.upstreamBody?.tools, [
    { type: 'function', name: 'get_weather', parameters: TOOLS[0]?.function.parameters, strict: false },
    { type: 'function', name: 'get_time', parameters: TOOLS[1]?.function.parameters, strict: false },
  ]);
  assertOneDoneAtEnd(bridge);

  // Second turn: the results of both calls, keyed by the ids the client got.
  assert.ok(message);
  const calls = (message.tool_calls ?? []).filter((c) => c.type === 'function');
  const second = await client.chat.completions
    .stream({
      model: MODEL,
      messages: [
        question,
        { role: 'assistant', content: null, tool_calls: calls },
        ...calls.map((c): OpenAI.ChatCompletionToolMessageParam => ({
          role: 'tool',
          tool_call_id: c.id,
          content: `result of ${c.function.name}`,
        })),
      ],
    })
    .finalChatCompletion();
  assert.equal(second.choices[0]?.message.content, 'Echo: weather and time in Paris?');
  assert.deepEqual(bridge.exchanges[1]?.upstreamBody?.input, [
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'weather and time in Paris?' }] },
    { type: 'function_call', call_id: calls[0]?.id, name: 'get_weather', arguments: '{"city":"sim-1"}' },
    { type: 'function_call', call_id: calls[1]?.id, name: 'get_time', arguments: '{"zone":"sim-2"}' },
    { type: 'function_call_output', call_id: calls[0]?.id, output: 'result of get_weather' },
    { type: 'function_call_output', call_id: calls[1]?.id, output: 'result of get_time' },
  ]);
});

test('structured output: json_schema is flattened into text.format and the JSON text streams back intact', async (t) => {
  const schema = {
    type: 'object',
    properties: { city: { type: 'string' }, temp: { type: 'number' } },
    required: ['city', 'temp'],
    additionalProperties: false,
  };
  const pieces = ['{"city":', '"Paris",', '"temp":21}'];
  const { bridge, client } = await viaUpstream(
    t,
    scriptedUpstream(
      responsesScript([
        ['response.created', { response: scriptedResponse('in_progress', []) }],
        ['response.in_progress', { response: scriptedResponse('in_progress', []) }],
        ...messageEvents(0, pieces),
        ['response.completed', { response: scriptedResponse('completed', [messageItem(0, pieces.join(''))]) }],
      ]),
    ),
  );
  const done = await client.chat.completions
    .stream({
      model: MODEL,
      messages: [{ role: 'user', content: 'weather in Paris as JSON' }],
      response_format: { type: 'json_schema', json_schema: { name: 'weather', strict: true, schema } },
    })
    .finalChatCompletion();
  assert.deepEqual(JSON.parse(done.choices[0]?.message.content ?? ''), { city: 'Paris', temp: 21 });
  assert.deepEqual(bridge.exchanges[0]?.upstreamBody?.text, {
    format: { type: 'json_schema', name: 'weather', strict: true, schema },
  });
  assertOneDoneAtEnd(bridge);
});

test('reasoning model (simulator): the first output item is reasoning; the client gets only the answer and the reasoning tokens', async (t) => {
  const { bridge, client } = await viaSimulator(t);
  const done = await client.chat.completions
    .stream(
      {
        model: MODEL,
        messages: [{ role: 'user', content: 'think hard' }],
        reasoning_effort: 'high',
        stream_options: { include_usage: true },
      },
      scenario('reasoning'),
    )
    .finalChatCompletion();
  assert.equal((upstreamFinal(bridge).output as Array<{ type: string }>)[0]?.type, 'reasoning');
  assert.equal(done.choices[0]?.message.content, 'Echo: think hard');
  assert.equal(done.usage?.completion_tokens_details?.reasoning_tokens, 16);
  assert.deepEqual(bridge.exchanges[0]?.upstreamBody?.reasoning, { effort: 'high' });
  assertOneDoneAtEnd(bridge);
});

test('reasoning summaries streamed before the answer never reach a chat client; cached and reasoning tokens do', async (t) => {
  const { bridge, client } = await viaUpstream(
    t,
    scriptedUpstream(
      responsesScript([
        ['response.created', { response: scriptedResponse('in_progress', []) }],
        ['response.in_progress', { response: scriptedResponse('in_progress', []) }],
        ...reasoningEvents(0, ['Thinking about', ' the question']),
        ...messageEvents(1, ['The answer', ' is 42.']),
        ['response.completed', { response: scriptedResponse('completed', [messageItem(1, 'The answer is 42.')]) }],
      ]),
    ),
  );
  const done = await client.chat.completions
    .stream({
      model: MODEL,
      messages: [{ role: 'user', content: 'meaning of life?' }],
      stream_options: { include_usage: true },
    })
    .finalChatCompletion();
  assert.equal(done.choices[0]?.message.content, 'The answer is 42.');
  assert.doesNotMatch(bridge.exchanges[0]?.sent ?? '', /Thinking/);
  assert.deepEqual(done.usage, {
    prompt_tokens: 40,
    completion_tokens: 30,
    total_tokens: 70,
    prompt_tokens_details: { cached_tokens: 32 },
    completion_tokens_details: { reasoning_tokens: 20 },
  });
  assertOneDoneAtEnd(bridge);
});

test('length cut-off: incomplete_details max_output_tokens becomes finish_reason length', async (t) => {
  const { bridge, client } = await viaSimulator(t);
  const done = await client.chat.completions
    .stream(
      {
        model: MODEL,
        messages: [{ role: 'user', content: 'one two three four five six' }],
        max_tokens: 100,
      },
      scenario('length'),
    )
    .finalChatCompletion();
  assert.equal(upstreamFinal(bridge).status, 'incomplete');
  assert.equal(done.choices[0]?.finish_reason, 'length');
  assert.equal(done.choices[0]?.message.content, 'Echo: one two three');
  assert.equal(bridge.exchanges[0]?.upstreamBody?.max_output_tokens, 100);
  assertOneDoneAtEnd(bridge);
});

test('content filter: incomplete_details content_filter becomes finish_reason content_filter', async (t) => {
  const { bridge, client } = await viaSimulator(t);
  const done = await client.chat.completions
    .stream({ model: MODEL, messages: [{ role: 'user', content: 'something' }] }, scenario('contentFilter'))
    .finalChatCompletion();
  assert.equal(done.choices[0]?.finish_reason, 'content_filter');
  assertOneDoneAtEnd(bridge);
});

test('upstream response.failed mid-stream: the text so far, then an error the SDK raises, and no [DONE]', async (t) => {
  const { bridge, client } = await viaUpstream(
    t,
    scriptedUpstream(
      responsesScript([
        ['response.created', { response: scriptedResponse('in_progress', []) }],
        ['response.in_progress', { response: scriptedResponse('in_progress', []) }],
        ...messageEvents(0, ['Partial ', 'answer'], false),
        [
          'response.failed',
          {
            response: scriptedResponse('failed', [], {
              error: { code: 'server_error', message: 'The model crashed.' },
              usage: null,
            }),
          },
        ],
      ]),
    ),
  );
  const stream = client.chat.completions.stream({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
  let text = '';
  stream.on('content', (delta) => {
    text += delta;
  });
  await assert.rejects(
    stream.finalChatCompletion(),
    (err: unknown) => err instanceof OpenAI.APIError && /The model crashed\./.test(err.message),
  );
  assert.equal(text, 'Partial answer');
  const data = sentData(bridge);
  assert.ok(!data.includes('[DONE]'));
  assert.deepEqual(JSON.parse(data.at(-1) ?? ''), {
    error: { message: 'The model crashed.', type: 'api_error', param: null, code: 'server_error' },
  });
});

test('upstream error event mid-stream: a rate-limit error frame the SDK raises, and no [DONE]', async (t) => {
  const { bridge, client } = await viaUpstream(
    t,
    scriptedUpstream(
      responsesScript([
        ['response.created', { response: scriptedResponse('in_progress', []) }],
        ...messageEvents(0, ['Partial'], false),
        ['error', { code: 'rate_limit_exceeded', message: 'Too many requests mid-stream.', param: null }],
      ]),
    ),
  );
  await assert.rejects(
    client.chat.completions.stream({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }).finalChatCompletion(),
    (err: unknown) => err instanceof OpenAI.APIError && /Too many requests mid-stream\./.test(err.message),
  );
  const data = sentData(bridge);
  assert.ok(!data.includes('[DONE]'));
  assert.deepEqual(JSON.parse(data.at(-1) ?? ''), {
    error: {
      message: 'Too many requests mid-stream.',
      type: 'rate_limit_error',
      param: null,
      code: 'rate_limit_exceeded',
    },
  });
});

test('an upstream connection dropped mid-stream ends in an error frame, never a [DONE]', async (t) => {
  const { bridge, client } = await viaSimulator(t);
  await assert.rejects(
    client.chat.completions
      .stream(
        { model: MODEL, messages: [{ role: 'user', content: 'hello' }] },
        scenario('{"kind":"dropMidStream","afterChunks":5}'),
      )
      .finalChatCompletion(),
    (err: unknown) => err instanceof OpenAI.APIError && /ended before the response was complete/.test(err.message),
  );
  assert.ok(!sentData(bridge).includes('[DONE]'));
});

test('non-streaming: responses JSON becomes a chat.completion with the tool calls of the turn', async (t) => {
  const { bridge, client } = await viaSimulator(t);
  const done = await client.chat.completions.create(
    { model: MODEL, messages: [{ role: 'user', content: 'weather?' }], tools: TOOLS },
    scenario('toolCalls'),
  );
  assert.equal(done.object, 'chat.completion');
  assert.equal(done.choices[0]?.finish_reason, 'tool_calls');
  assert.deepEqual(
    done.choices[0]?.message.tool_calls?.map((c) => (c.type === 'function' ? c.function.name : c.type)),
    ['get_weather', 'get_time'],
  );
  assert.equal(bridge.exchanges[0]?.upstreamBody?.stream, undefined);
});

test('a parameter the Responses API cannot honour is a 400 that names it, and nothing goes upstream', async (t) => {
  const { bridge, client } = await viaSimulator(t);
  await assert.rejects(
    client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], n: 2 }),
    (err: unknown) =>
      err instanceof OpenAI.BadRequestError &&
      err.param === 'n' &&
      err.code === 'unsupported_parameter' &&
      err.message ===
        "400 Unsupported parameter: 'n'. This model is served through the Responses API, which returns exactly one choice (only n=1 can be translated).",
  );
  assert.equal(bridge.exchanges[0]?.upstreamBody, undefined);
});
