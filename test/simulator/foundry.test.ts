// The Foundry simulator speaks Azure's wire formats well enough for the official `openai` SDK:
// chat (JSON, SSE, tool calls), responses (JSON, SSE via both SDK entry points), images,
// embeddings (float and base64), Azure's errors and headers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import sharp from 'sharp';
import '../harness/loopback-guard.js';
import { startFoundrySimulator, type FoundrySimulator } from '../../simulator/foundry/simulator.js';
import { simEmbedding } from '../../simulator/foundry/embeddings.js';

const KEY = 'sim-test-key';

async function startSim(t: { after(fn: () => Promise<void>): void }): Promise<FoundrySimulator> {
  const sim = await startFoundrySimulator({ apiKey: KEY, models: { 'gpt-4o-mini': 'gpt-4o-mini-2024-07-18' } });
  t.after(() => sim.close());
  return sim;
}

function sdk(sim: FoundrySimulator, apiKey = KEY): OpenAI {
  // Azure reads `api-key`; the SDK also sends `Authorization: Bearer <apiKey>`, which Azure ignores when api-key is present.
  return new OpenAI({ baseURL: `${sim.url}/openai/v1`, apiKey, defaultHeaders: { 'api-key': apiKey }, maxRetries: 0 });
}

/** POSTs JSON and returns the parsed `data:` payloads of the SSE reply (`[DONE]` kept as a string). */
async function rawStream(
  sim: FoundrySimulator,
  path: string,
  body: unknown,
): Promise<{ headers: Headers; events: unknown[] }> {
  const res = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'api-key': KEY },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200);
  const text = await res.text();
  assert.ok(text.endsWith('\n\n'), 'every event ends with a blank line');
  const events = text
    .split('\n\n')
    .filter((e) => e !== '')
    .map((e) => {
      const data = e.split('\n').find((l) => l.startsWith('data: '));
      assert.ok(data, `event without data: ${e}`);
      const payload = data.slice('data: '.length);
      return payload === '[DONE]' ? payload : (JSON.parse(payload) as unknown);
    });
  return { headers: res.headers, events };
}

const SAFE = { filtered: false, severity: 'safe' };
const PROMPT_FILTER = [
  {
    prompt_index: 0,
    content_filter_results: {
      hate: SAFE,
      jailbreak: { filtered: false, detected: false },
      self_harm: SAFE,
      sexual: SAFE,
      violence: SAFE,
    },
  },
];

test('chat: JSON completion with Azure fields, usage and headers', async (t) => {
  const sim = await startSim(t);
  const { data, response } = await sdk(sim)
    .chat.completions.create(
      {
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'hello there world' },
        ],
      },
      { headers: { 'x-request-id': 'req-123' } },
    )
    .withResponse();
  assert.match(data.id, /^chatcmpl-/);
  assert.equal(data.object, 'chat.completion');
  assert.equal(data.model, 'gpt-4o-mini-2024-07-18');
  assert.equal(data.choices[0]?.message.content, 'Echo: hello there world');
  assert.equal(data.choices[0]?.finish_reason, 'stop');
  // prompt: 2 + 3 words, 3 per message, 3 priming; completion: 4 words.
  assert.deepEqual(data.usage, {
    completion_tokens: 4,
    completion_tokens_details: {
      accepted_prediction_tokens: 0,
      audio_tokens: 0,
      reasoning_tokens: 0,
      rejected_prediction_tokens: 0,
    },
    prompt_tokens: 14,
    prompt_tokens_details: { audio_tokens: 0, cached_tokens: 0 },
    total_tokens: 18,
  });
  const raw = data as unknown as Record<string, unknown>;
  assert.deepEqual(raw.prompt_filter_results, PROMPT_FILTER);
  assert.equal(raw.system_fingerprint, 'fp_sim0000001');
  assert.equal(response.headers.get('x-request-id'), 'req-123');
  assert.match(response.headers.get('apim-request-id') ?? '', /^[0-9a-f-]{36}$/);
  assert.equal(response.headers.get('x-ms-region'), 'Sweden Central');
  assert.equal(response.headers.get('x-ratelimit-remaining-requests'), '999');
  assert.ok(Number(response.headers.get('x-ratelimit-remaining-tokens')) < 1_000_000);
  assert.equal(sim.requests.length, 1);
  assert.equal(sim.requests[0]?.path, '/openai/v1/chat/completions');
  assert.equal(sim.requests[0]?.headers['api-key'], KEY);
  assert.equal(sim.requests[0]?.completed, true);
  assert.equal(sim.requests[0]?.aborted, false);
});

test('chat SSE: prompt-filter chunk first, role chunk, content chunks, finish, [DONE]; no usage unless asked', async (t) => {
  const sim = await startSim(t);
  const { headers, events } = await rawStream(sim, '/openai/v1/chat/completions', {
    model: 'gpt-4o-mini',
    stream: true,
    messages: [{ role: 'user', content: 'stream me' }],
  });
  assert.equal(headers.get('content-type'), 'text/event-stream; charset=utf-8');
  assert.deepEqual(events[0], {
    choices: [],
    created: 0,
    id: '',
    model: '',
    object: '',
    prompt_filter_results: PROMPT_FILTER,
  });
  assert.equal(events.at(-1), '[DONE]');
  const chunks = events.slice(1, -1) as Array<Record<string, unknown> & { choices: Array<Record<string, unknown>> }>;
  assert.deepEqual(chunks[0]?.choices[0]?.delta, { content: '', refusal: null, role: 'assistant' });
  const content = chunks.slice(1, -1);
  assert.equal(content.length, 5);
  for (const c of content) {
    assert.equal(c.object, 'chat.completion.chunk');
    assert.equal(c.model, 'gpt-4o-mini-2024-07-18');
    assert.ok(!('usage' in c), 'no usage key without include_usage');
    assert.deepEqual((c.choices[0]?.content_filter_results as Record<string, unknown>).violence, SAFE);
  }
  const text = content.map((c) => (c.choices[0]?.delta as { content: string }).content).join('');
  assert.equal(text, 'Echo: stream me');
  assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop');
});

test('chat SSE with include_usage: usage:null on every chunk, then a usage chunk with empty choices', async (t) => {
  const sim = await startSim(t);
  const { events } = await rawStream(sim, '/openai/v1/chat/completions', {
    model: 'gpt-4o-mini',
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'count me in' }],
  });
  const chunks = events.slice(0, -1) as Array<Record<string, unknown>>;
  for (const c of chunks.slice(0, -1)) assert.equal(c.usage, null);
  const last = chunks.at(-1);
  assert.deepEqual(last?.choices, []);
  assert.deepEqual(last?.usage, {
    completion_tokens: 4,
    completion_tokens_details: {
      accepted_prediction_tokens: 0,
      audio_tokens: 0,
      reasoning_tokens: 0,
      rejected_prediction_tokens: 0,
    },
    prompt_tokens: 9,
    prompt_tokens_details: { audio_tokens: 0, cached_tokens: 0 },
    total_tokens: 13,
  });

  // The SDK sees the same: usage only on the final chunk.
  const stream = await sdk(sim).chat.completions.create({
    model: 'gpt-4o-mini',
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'count me in' }],
  });
  const seen: Array<OpenAI.ChatCompletionChunk> = [];
  for await (const chunk of stream) seen.push(chunk);
  assert.equal(seen.filter((c) => c.usage).length, 1);
  assert.equal(seen.at(-1)?.usage?.total_tokens, 13);
});

test('chat SSE tool calls: two parallel calls accumulate in the SDK stream helper', async (t) => {
  const sim = await startSim(t);
  const tools: OpenAI.ChatCompletionTool[] = [
    {
      type: 'function',
      function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
    },
    {
      type: 'function',
      function: { name: 'get_time', parameters: { type: 'object', properties: { offset: { type: 'integer' } } } },
    },
  ];
  const runner = sdk(sim).chat.completions.stream({
    model: 'gpt-4o-mini',
    tools,
    messages: [{ role: 'user', content: 'please call tools' }],
    stream_options: { include_usage: true },
  });
  const final = await runner.finalChatCompletion();
  const choice = final.choices[0];
  assert.equal(choice?.finish_reason, 'tool_calls');
  const calls = (choice?.message.tool_calls ?? []).map((c) =>
    c.type === 'function' ? [c.function.name, c.function.arguments] : [],
  );
  assert.deepEqual(calls, [
    ['get_weather', '{"city":"sim-1"}'],
    ['get_time', '{"offset":2}'],
  ]);
  assert.ok(final.usage && final.usage.completion_tokens > 0);

  // The raw frames: first delta of each call carries id/type/name and empty arguments.
  const { events } = await rawStream(sim, '/openai/v1/chat/completions', {
    model: 'gpt-4o-mini',
    stream: true,
    tools,
    messages: [{ role: 'user', content: 'please call tools' }],
  });
  const deltas = events
    .slice(2, -2)
    .map((e) => (e as { choices: Array<{ delta: { tool_calls: unknown[] } }> }).choices[0]?.delta.tool_calls[0]);
  const firsts = deltas.filter((d) => (d as { id?: string }).id !== undefined) as Array<Record<string, unknown>>;
  assert.equal(firsts.length, 2);
  assert.deepEqual(
    firsts.map((f) => [f.index, f.type, (f.function as { name: string; arguments: string }).arguments]),
    [
      [0, 'function', ''],
      [1, 'function', ''],
    ],
  );
});

test('responses: JSON response object', async (t) => {
  const sim = await startSim(t);
  const response = await sdk(sim).responses.create({ model: 'gpt-4o-mini', input: 'hi from responses' });
  assert.match(response.id, /^resp_/);
  assert.equal(response.object, 'response');
  assert.equal(response.status, 'completed');
  assert.equal(response.output_text, 'Echo: hi from responses');
  assert.equal(response.output[0]?.type, 'message');
  // input: 3 words + 3 per item + 3 priming; output: 4 words.
  assert.deepEqual(response.usage, {
    input_tokens: 9,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 4,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 13,
  });
});

test('responses: a stored response is served on the classic path only with an api-version, as on Azure', async (t) => {
  const sim = await startSim(t);
  const headers = { 'content-type': 'application/json', 'api-key': KEY };
  const created = await fetch(`${sim.url}/openai/responses?api-version=2025-04-01-preview`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ model: 'gpt-4o-mini', input: 'keep me' }),
  });
  assert.equal(created.status, 200);
  const { id } = (await created.json()) as { id: string };
  const get = (path: string) => fetch(`${sim.url}${path}`, { headers });
  const fetched = await get(`/openai/responses/${id}?api-version=2025-04-01-preview`);
  assert.equal(fetched.status, 200);
  assert.equal(((await fetched.json()) as { id: string }).id, id);
  const items = await get(`/openai/responses/${id}/input_items?api-version=2025-04-01-preview`);
  assert.equal(((await items.json()) as { data: unknown[] }).data.length, 1);
  assert.equal((await get(`/openai/responses/${id}`)).status, 404);
  assert.equal((await get(`/openai/v1/responses/${id}`)).status, 200, 'the v1 path serves the same stored response');
});

test('responses SSE: responses.stream() and create({stream:true}) both parse the event sequence', async (t) => {
  const sim = await startSim(t);
  const client = sdk(sim);
  const types: string[] = [];
  const runner = client.responses.stream({
    model: 'gpt-4o-mini',
    input: [{ role: 'user', content: 'stream a response' }],
  });
  runner.on('event', (e) => types.push(e.type));
  const final = await runner.finalResponse();
  assert.equal(final.output_text, 'Echo: stream a response');
  assert.equal(final.status, 'completed');
  assert.equal(final.usage?.output_tokens, 4);
  assert.deepEqual(types, [
    'response.created',
    'response.in_progress',
    'response.output_item.added',
    'response.content_part.added',
    ...Array<string>(5).fill('response.output_text.delta'),
    'response.output_text.done',
    'response.content_part.done',
    'response.output_item.done',
    'response.completed',
  ]);

  const stream = await client.responses.create({ model: 'gpt-4o-mini', input: 'again', stream: true });
  const seq: number[] = [];
  let text = '';
  for await (const event of stream) {
    seq.push(event.sequence_number);
    if (event.type === 'response.output_text.delta') text += event.delta;
  }
  assert.deepEqual(
    seq,
    seq.map((_, i) => i),
  );
  assert.equal(text, 'Echo: again');
});

test('responses SSE with tools and reasoning: reasoning item, then two function calls', async (t) => {
  const sim = await startSim(t);
  const runner = sdk(sim).responses.stream(
    {
      model: 'gpt-4o-mini',
      input: 'weather please',
      tools: [
        {
          type: 'function',
          name: 'get_weather',
          strict: false,
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
        },
      ],
    },
    { headers: { 'x-sim-scenario': 'toolCalls' } },
  );
  const argDeltas: string[] = [];
  runner.on('response.function_call_arguments.delta', (e) => argDeltas.push(e.delta));
  const final = await runner.finalResponse();
  const calls = final.output.filter((o) => o.type === 'function_call');
  assert.deepEqual(
    calls.map((c) => [c.name, c.arguments, c.status]),
    [
      ['get_weather', '{"city":"sim-1"}', 'completed'],
      ['get_weather', '{"city":"sim-2"}', 'completed'],
    ],
  );
  assert.equal(argDeltas.join(''), '{"city":"sim-1"}{"city":"sim-2"}');

  const reasoned = await sdk(sim)
    .responses.stream({ model: 'gpt-4o-mini', input: 'think' }, { headers: { 'x-sim-scenario': 'reasoning' } })
    .finalResponse();
  assert.deepEqual(
    reasoned.output.map((o) => o.type),
    ['reasoning', 'message'],
  );
  assert.equal(reasoned.usage?.output_tokens_details.reasoning_tokens, 16);
  assert.equal(reasoned.usage?.output_tokens, 2 + 16);
});

test('images: a real PNG in b64_json', async (t) => {
  const sim = await startSim(t);
  const result = await sdk(sim).images.generate({ model: 'gpt-image-1', prompt: 'a red square', n: 2 });
  assert.equal(result.data?.length, 2);
  const first = result.data?.[0];
  assert.equal(first?.revised_prompt, 'a red square');
  const png = Buffer.from(first?.b64_json ?? '', 'base64');
  const meta = await sharp(png).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['png', 8, 8]);
  assert.equal(sim.requests[0]?.path, '/openai/v1/images/generations');
});

test('embeddings: deterministic float vectors, dimensions, and base64 as the SDK requests by default', async (t) => {
  const sim = await startSim(t);
  const client = sdk(sim);
  const floats = await client.embeddings.create({
    model: 'text-embedding-3-small',
    input: ['alpha', 'beta gamma'],
    encoding_format: 'float',
  });
  assert.equal(floats.object, 'list');
  assert.deepEqual(floats.usage, { prompt_tokens: 3, total_tokens: 3 });
  assert.deepEqual(
    floats.data.map((d) => d.index),
    [0, 1],
  );
  assert.deepEqual(floats.data[0]?.embedding, simEmbedding('alpha'));
  assert.equal(floats.data[0]?.embedding.length, 8);
  assert.ok(Math.abs(Math.hypot(...(floats.data[0]?.embedding ?? [])) - 1) < 1e-6);

  const decoded = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta gamma'] });
  assert.equal((sim.requests[1]?.body as { encoding_format?: string }).encoding_format, 'base64');
  assert.deepEqual(
    decoded.data.map((d) => d.embedding),
    floats.data.map((d) => d.embedding),
  );

  const wide = await client.embeddings.create({
    model: 'text-embedding-3-small',
    input: 'alpha',
    dimensions: 16,
    encoding_format: 'float',
  });
  assert.equal(wide.data[0]?.embedding.length, 16);
});

test("429 reaches the SDK as RateLimitError with retry-after and Azure's body", async (t) => {
  const sim = await startSim(t);
  sim.enqueue({ kind: 'status', status: 429 });
  await assert.rejects(
    sdk(sim).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    (err: unknown) => {
      assert.ok(err instanceof OpenAI.RateLimitError);
      assert.equal(err.status, 429);
      assert.equal(err.headers.get('retry-after'), '2');
      assert.equal(err.headers.get('retry-after-ms'), '2000');
      const body = err.error as { code: string; message: string };
      assert.equal(body.code, '429');
      assert.match(
        body.message,
        /^Requests to the ChatCompletions_Create Operation under Azure OpenAI API version v1 have exceeded token rate limit.*Please retry after 2 seconds/,
      );
      return true;
    },
  );
  // The queue held one scenario: the next call succeeds.
  const ok = await sdk(sim).chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'hi' }],
  });
  assert.equal(ok.choices[0]?.message.content, 'Echo: hi');
});

test("401 with a wrong api-key, in Azure's APIM shape", async (t) => {
  const sim = await startSim(t);
  await assert.rejects(
    sdk(sim, 'wrong-key').chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    }),
    (err: unknown) => {
      assert.ok(err instanceof OpenAI.AuthenticationError);
      assert.deepEqual(err.error, {
        code: '401',
        message:
          'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
      });
      return true;
    },
  );
  assert.equal(sim.requests[0]?.status, 401);
});

test('abort: a client leaving a slow stream is recorded as aborted', async (t) => {
  const sim = await startSim(t);
  sim.enqueue({ kind: 'slowChunks', intervalMs: 100, chunks: 50 });
  const controller = new AbortController();
  const stream = await sdk(sim).chat.completions.create(
    { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'slow' }] },
    { signal: controller.signal },
  );
  let received = 0;
  // The SDK ends the iteration quietly (or with APIUserAbortError) once its signal is aborted.
  try {
    for await (const _chunk of stream) {
      received += 1;
      if (received === 3) controller.abort();
    }
  } catch (err) {
    assert.ok(err instanceof OpenAI.APIUserAbortError, String(err));
  }
  assert.equal(received, 3);
  const request = await sim.waitFor((r) => r.aborted, 2000);
  assert.equal(request.completed, false);
  assert.equal(request.status, 200);
});
