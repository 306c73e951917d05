/**
 * A Responses client in front of a chat-only deployment: the official `openai` SDK's
 * `responses.stream()` assembles what ChatToResponsesStream made of the Foundry simulator's (or a
 * scripted, Azure-shaped) chat completion stream. Covers text, images in, parallel tool calls and
 * the turn that sends their results back, structured output, reasoning (reasoning tokens, and
 * reasoning text streamed before the answer), the length cut-off, the content filter and upstream
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
import { chatScript } from '../harness/translate-scripts.js';

const MODEL = 'chat-deployment';

interface SentEvent {
  type: string;
  data: Record<string, unknown>;
}

/** The events the bridge sent, in order, with the `event:` name checked against `data.type`. */
function sentEvents(bridge: TranslateBridge, n = 0): SentEvent[] {
  return (bridge.exchanges[n]?.sent ?? '')
    .split('\n\n')
    .filter((f) => f !== '')
    .map((frame) => {
      const m = /^event: (.+)\ndata: (.+)$/s.exec(frame);
      assert.ok(m, `a typed event frame: ${frame}`);
      const data = JSON.parse(m[2] ?? '') as Record<string, unknown>;
      assert.equal(data.type, m[1]);
      return { type: m[1] ?? '', data };
    });
}

/** The chat usage the upstream reported in its usage chunk. */
function upstreamUsage(bridge: TranslateBridge, n = 0): Record<string, number> {
  const chunk = bridge.exchanges[n]?.upstreamEvents
    .filter((e) => e.data !== '[DONE]')
    .map((e) => JSON.parse(e.data) as Record<string, unknown>)
    .find((d) => d.usage !== null && d.usage !== undefined);
  assert.ok(chunk, 'the upstream sent a usage chunk');
  return chunk.usage as Record<string, number>;
}

function assertWellSequenced(events: SentEvent[], last: string): void {
  assert.deepEqual(
    events.map((e) => e.data.sequence_number),
    events.map((_, i) => i),
    'sequence_number counts up from 0',
  );
  assert.deepEqual(
    events.slice(0, 2).map((e) => e.type),
    ['response.created', 'response.in_progress'],
  );
  assert.equal(events.at(-1)?.type, last);
  assert.equal(events.filter((e) => e.type === last).length, 1);
}

test('text: the full event sequence, output_text assembled by the SDK, usage mapped from the chat usage chunk', async (t) => {
  const { bridge, client } = await viaSimulator(t);
  const stream = client.responses.stream({ model: MODEL, instructions: 'Be brief.', input: 'hello there' });
  const deltas: string[] = [];
  stream.on('response.output_text.delta', (e) => deltas.push(e.delta));
  const final = await stream.finalResponse();
  assert.equal(final.output_text, 'Echo: hello there');
  assert.equal(final.status, 'completed');
  assert.equal(deltas.join(''), 'Echo: hello there');
  const u = upstreamUsage(bridge);
  assert.deepEqual(final.usage, {
    input_tokens: u.prompt_tokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: u.completion_tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: u.total_tokens,
  });
  const events = sentEvents(bridge);
  assertWellSequenced(events, 'response.completed');
  assert.deepEqual(
    events.map((e) => e.type).filter((type) => !type.endsWith('.delta')),
    [
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ],
  );
  assert.equal(final.instructions, 'Be brief.');
  // Upstream: a leading system message, the user message, and a request for the usage chunk.
  assert.deepEqual(bridge.exchanges[0]?.upstreamBody, {
    model: MODEL,
    stream: true,
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hello there' },
    ],
    stream_options: { include_usage: true },
  });
});

test('images in: input_image parts reach the chat upstream as image_url with their detail', async (t) => {
  const { bridge, client } = await viaSimulator(t);
  const url = 'data:image/png;base64,iVBORw0KGgo=';
  const final = await client.responses
    .stream({
      model: MODEL,
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'describe' },
            { type: 'input_image', image_url: url, detail: 'high' },
          ],
        },
      ],
    })
    .finalResponse();
  assert.equal(final.output_text, 'Echo: describe');
  assert.deepEqual(bridge.exchanges[0]?.upstreamBody?.messages, [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'describe' },
        { type: 'image_url', image_url: { url, detail: 'high' } },
      ],
    },
  ]);
});

const TOOLS: OpenAI.Responses.FunctionTool[] = [
  {
    type: 'function',
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
    strict: false,
  },
  {
    type: 'function',
    name: 'get_time',
    parameters: { type: 'object', properties: { zone: { type: 'string' } } },
    strict: false,
  },
];

test('parallel tool calls: two function_call items with the chat call ids, and their outputs go back as one assistant turn', async (t) => {
  const { bridge, client } = await viaSimulator(t);
  const stream = client.responses.stream(
    { model: MODEL, input: 'weather and time in Paris?', tools: TOOLS },
    scenario('toolCalls'),
  );
  const argsDone: string[] = [];
  stream.on('response.function_call_arguments.done', (e) => argsDone.push(e.arguments));
  const final = await stream.finalResponse();
  const upstreamIds = bridge.exchanges[0]?.upstreamEvents
    .filter((e) => e.data !== '[DONE]')
    .flatMap(
      (e) =>
        (JSON.parse(e.data) as { choices?: Array<{ delta?: { tool_calls?: Array<{ id?: string }> } }> }).choices ?? [],
    )
    .flatMap((c) => c.delta?.tool_calls ?? [])
    .flatMap((c) => (c.id ? [c.id] : []));
  const calls = final.output.filter((i) => i.type === 'function_call');
  assert.deepEqual(
    calls.map((c) => [c.call_id, c.name, c.arguments, c.status]),
    [
      [upstreamIds?.[0], 'get_weather', '{"city":"sim-1"}', 'completed'],
      [upstreamIds?.[1], 'get_time', '{"zone":"sim-2"}', 'completed'],
    ],
  );
  assert.deepEqual(argsDone, ['{"city":"sim-1"}', '{"zone":"sim-2"}']);
  assert.equal(final.status, 'completed');
  assertWellSequenced(sentEvents(bridge), 'response.completed');
  assert.deepEqual(bridge.exchanges[0]?.upstreamBody?.tools, [
    { type: 'function', function: { name: 'get_weather', parameters: TOOLS[0]?.parameters, strict: false } },
    { type: 'function', function: { name: 'get_time', parameters: TOOLS[1]?.parameters, strict: false } },
  ]);

  const second = await client.responses
    .stream({
      model: MODEL,
      input: [
        { role: 'user', content: 'weather and time in Paris?' },
        ...calls.map((c) => ({
          type: 'function_call' as const,
          call_id: c.call_id,
          name: c.name,
          arguments: c.arguments,
        })),
        ...calls.map((c) => ({
          type: 'function_call_output' as const,
          call_id: c.call_id,
          output: `result of ${c.name}`,
        })),
      ],
    })
    .finalResponse();
  assert.equal(second.output_text, 'Echo: weather and time in Paris?');
  assert.deepEqual(bridge.exchanges[1]?.upstreamBody?.messages, [
    { role: 'user', content: 'weather and time in Paris?' },
    {
      role: 'assistant',
      content: null,
      tool_calls: calls.map((c) => ({
        id: c.call_id,
        type: 'function',
        function: { name: c.name, arguments: c.arguments },
      })),
    },
    ...calls.map((c) => ({ role: 'tool', tool_call_id: c.call_id, content: `result of ${c.name}` })),
  ]);
});

test('structured output: text.format json_schema becomes response_format and the JSON text streams back intact', async (t) => {
  const schema = {
    type: 'object',
    properties: { city: { type: 'string' }, temp: { type: 'number' } },
    required: ['city', 'temp'],
    additionalProperties: false,
  };
  const { bridge, client } = await viaUpstream(
    t,
    scriptedUpstream(
      chatScript(
        [
          { delta: { content: '{"city":' } },
          { delta: { content: '"Paris","temp":21}' } },
          { delta: {}, finish: 'stop' },
        ],
        { usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 } },
      ),
    ),
  );
  const final = await client.responses
    .stream({
      model: MODEL,
      input: 'weather in Paris as JSON',
      text: { format: { type: 'json_schema', name: 'weather', strict: true, schema } },
    })
    .finalResponse();
  assert.deepEqual(JSON.parse(final.output_text), { city: 'Paris', temp: 21 });
  assert.deepEqual(final.text?.format, { type: 'json_schema', name: 'weather', strict: true, schema });
  assert.deepEqual(bridge.exchanges[0]?.upstreamBody?.response_format, {
    type: 'json_schema',
    json_schema: { name: 'weather', strict: true, schema },
  });
});

test('reasoning model (simulator): reasoning tokens are reported in output_tokens_details', async (t) => {
  const { bridge, client } = await viaSimulator(t);
  const final = await client.responses
    .stream(
      { model: MODEL, input: 'think hard', reasoning: { effort: 'high', summary: 'auto' } },
      scenario('reasoning'),
    )
    .finalResponse();
  assert.equal(final.output_text, 'Echo: think hard');
  assert.equal(final.usage?.output_tokens_details.reasoning_tokens, 16);
  assert.equal(bridge.exchanges[0]?.upstreamBody?.reasoning_effort, 'high');
});

test('reasoning text streamed before the answer becomes the first output item, a reasoning item', async (t) => {
  const { bridge, client } = await viaUpstream(
    t,
    scriptedUpstream(
      chatScript(
        [
          { delta: { reasoning_content: 'Thinking about' } },
          { delta: { reasoning_content: ' it.' } },
          { delta: { content: 'The answer' } },
          { delta: { content: ' is 42.' } },
          { delta: {}, finish: 'stop' },
        ],
        {
          usage: {
            prompt_tokens: 10,
            completion_tokens: 30,
            total_tokens: 40,
            completion_tokens_details: { reasoning_tokens: 20 },
            prompt_tokens_details: { cached_tokens: 8 },
          },
        },
      ),
    ),
  );
  const final = await client.responses.stream({ model: MODEL, input: 'meaning of life?' }).finalResponse();
  assert.deepEqual(
    final.output.map((i) => i.type),
    ['reasoning', 'message'],
  );
  assert.deepEqual(final.output[0], {
    id: 'rs_chatcmpl-script01',
    type: 'reasoning',
    summary: [],
    content: [{ type: 'reasoning_text', text: 'Thinking about it.' }],
  });
  assert.equal(final.output_text, 'The answer is 42.');
  assert.deepEqual(final.usage, {
    input_tokens: 10,
    input_tokens_details: { cached_tokens: 8 },
    output_tokens: 30,
    output_tokens_details: { reasoning_tokens: 20 },
    total_tokens: 40,
  });
  assertWellSequenced(sentEvents(bridge), 'response.completed');
});

test('length cut-off: finish_reason length becomes response.incomplete with max_output_tokens', async (t) => {
  const { bridge, client } = await viaSimulator(t);
  const stream = client.responses.stream(
    { model: MODEL, input: 'one two three four five six', max_output_tokens: 100 },
    scenario('length'),
  );
  let incomplete = 0;
  stream.on('response.incomplete', () => {
    incomplete += 1;
  });
  const final = await stream.finalResponse();
  assert.equal(final.status, 'incomplete');
  assert.deepEqual(final.incomplete_details, { reason: 'max_output_tokens' });
  assert.equal(final.output_text, 'Echo: one two three');
  assert.equal(incomplete, 1);
  assert.equal(bridge.exchanges[0]?.upstreamBody?.max_completion_tokens, 100);
  assertWellSequenced(sentEvents(bridge), 'response.incomplete');
});

test('content filter: finish_reason content_filter becomes response.incomplete with content_filter', async (t) => {
  const { bridge, client } = await viaSimulator(t);
  const final = await client.responses
    .stream({ model: MODEL, input: 'something' }, scenario('contentFilter'))
    .finalResponse();
  assert.equal(final.status, 'incomplete');
  assert.deepEqual(final.incomplete_details, { reason: 'content_filter' });
  assertWellSequenced(sentEvents(bridge), 'response.incomplete');
});

test('upstream error mid-stream: the text so far, then an error event the SDK raises, then response.failed', async (t) => {
  const { bridge, client } = await viaUpstream(
    t,
    scriptedUpstream(
      chatScript(
        [
          { delta: { content: 'Partial ' } },
          { error: { code: 'server_error', message: 'The model crashed.', param: null, type: 'server_error' } },
        ],
        { done: false },
      ),
    ),
  );
  const stream = client.responses.stream({ model: MODEL, input: 'hi' });
  let text = '';
  stream.on('response.output_text.delta', (e) => {
    text += e.delta;
  });
  await assert.rejects(
    stream.finalResponse(),
    (err: unknown) => err instanceof OpenAI.APIError && /The model crashed\./.test(err.message),
  );
  assert.equal(text, 'Partial ');
  const events = sentEvents(bridge);
  assertWellSequenced(events, 'response.failed');
  assert.deepEqual(events.at(-2)?.data, {
    type: 'error',
    sequence_number: events.length - 2,
    code: 'server_error',
    message: 'The model crashed.',
    param: null,
  });
  assert.deepEqual((events.at(-1)?.data.response as Record<string, unknown>).error, {
    code: 'server_error',
    message: 'The model crashed.',
  });
});

test('an upstream connection dropped mid-stream fails the response instead of completing it', async (t) => {
  const { bridge, client } = await viaSimulator(t);
  await assert.rejects(
    client.responses
      .stream({ model: MODEL, input: 'hello' }, scenario('{"kind":"dropMidStream","afterChunks":4}'))
      .finalResponse(),
    (err: unknown) => err instanceof OpenAI.APIError && /ended before the answer was complete/.test(err.message),
  );
  const events = sentEvents(bridge);
  assert.ok(!events.some((e) => e.type === 'response.completed'));
  assertWellSequenced(events, 'response.failed');
});

test('non-streaming: a chat.completion becomes a response the SDK reads output_text from', async (t) => {
  const { client } = await viaSimulator(t);
  const res = await client.responses.create({ model: MODEL, instructions: 'Be brief.', input: 'hello there' });
  assert.equal(res.object, 'response');
  assert.equal(res.status, 'completed');
  assert.equal(res.output_text, 'Echo: hello there');
  assert.ok(res.id.startsWith('resp_chatcmpl-'));
});

test('state a chat backend cannot carry (previous_response_id) is a 400 that names it, and nothing goes upstream', async (t) => {
  const { bridge, client } = await viaSimulator(t);
  await assert.rejects(
    client.responses.create({ model: MODEL, input: 'and then?', previous_response_id: 'resp_123' }),
    (err: unknown) =>
      err instanceof OpenAI.BadRequestError &&
      err.param === 'previous_response_id' &&
      err.message ===
        "400 Unsupported parameter: 'previous_response_id'. This model is served through the Chat Completions API, which cannot carry conversation state stored by the Responses API; send the whole conversation in input.",
  );
  assert.equal(bridge.exchanges[0]?.upstreamBody, undefined);
});
