import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { CLIENT_KEY, SIM_API_KEY, startProxyHarness } from '../harness/proxy-harness.js';

function sdk(url: string, key = CLIENT_KEY) {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 });
}

function bodyOf(req: { body: unknown } | undefined): Record<string, unknown> {
  assert.ok(req && req.body && typeof req.body === 'object');
  return req.body as Record<string, unknown>;
}

test('chat: the SDK gets the upstream answer; the model becomes the deployment; credentials are swapped', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  const client = sdk(h.url);
  const { data, response } = await client.chat.completions
    .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }] }, { headers: { 'x-request-id': 'trace-123', cookie: 'session=abc' } })
    .withResponse();
  assert.equal(data.object, 'chat.completion');
  assert.match(data.choices[0]?.message.content ?? '', /hello there/);
  assert.ok((data.usage?.prompt_tokens ?? 0) > 0);
  assert.equal(response.headers.get('x-request-id'), 'trace-123');
  assert.ok(response.headers.get('apim-request-id'), 'Azure headers pass through');
  assert.ok(response.headers.get('x-ratelimit-remaining-requests'));

  assert.equal(h.sim.requests.length, 1);
  const seen = h.sim.requests[0]!;
  assert.equal(seen.path, '/openai/v1/chat/completions');
  assert.equal(bodyOf(seen).model, 'dep-4o-mini');
  // The client's key and cookie never reach Azure; the managed-identity token does.
  assert.equal(seen.headers.cookie, undefined);
  assert.equal(seen.headers['api-key'], undefined);
  const auth = seen.headers.authorization;
  assert.ok(typeof auth === 'string' && auth.startsWith('Bearer '));
  assert.ok(h.identity.isValid(auth.slice('Bearer '.length)));
  assert.ok(!auth.includes(CLIENT_KEY));
  assert.equal(seen.headers['x-request-id'], 'trace-123');
});

test('chat: an api-key upstream gets its api-key header and no bearer token', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  const res = await sdk(h.url).chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(res.object, 'chat.completion');
  const seen = h.sim.requests[0]!;
  assert.equal(seen.headers['api-key'], SIM_API_KEY);
  assert.equal(seen.headers.authorization, undefined);
  assert.equal(bodyOf(seen).model, 'dep-5-mini');
});

test('chat: an explicit classic route reaches /openai/deployments/{deployment}/... with its api-version', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  const res = await sdk(h.url).chat.completions.create({ model: 'classic', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(res.object, 'chat.completion');
  assert.equal(h.sim.requests[0]?.path, '/openai/deployments/dep-classic/chat/completions?api-version=2024-10-21');
});

test('chat stream: chunks arrive as the SDK expects, usage is exact and the injected usage chunk is removed', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  const stream = await sdk(h.url).chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'stream me please' }] });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
  assert.match(text, /stream me please/);
  // Azure's first chunk (prompt filter results, empty choices) is relayed untouched.
  assert.deepEqual(chunks[0]?.choices, []);
  // The client did not ask for usage: no usage-only chunk reaches it...
  assert.equal(chunks.filter((c) => c.choices.length === 0 && c.usage).length, 0);
  assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop');
  // ...but the proxy asked Azure for it and counted it.
  const sent = bodyOf(h.sim.requests[0]);
  assert.deepEqual(sent.stream_options, { include_usage: true });
  const stats = (await (await fetch(`${h.internalUrl}/internal/stats`)).json()) as { totals: { promptTokens: number; completionTokens: number; requests: number } };
  assert.equal(stats.totals.requests, 1);
  assert.ok(stats.totals.promptTokens > 0 && stats.totals.completionTokens > 0, JSON.stringify(stats.totals));
});

test('chat stream: a client that asks for usage gets the usage chunk', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  const stream = await sdk(h.url).chat.completions.create({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'count me' }] });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  const usage = chunks.filter((c) => c.choices.length === 0 && c.usage);
  assert.equal(usage.length, 1);
  assert.ok((usage[0]?.usage?.total_tokens ?? 0) > 0);
});

test('chat stream: a model with streamUsage off is sent the request untouched', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  const stream = await sdk(h.url).chat.completions.create({ model: 'no-usage', stream: true, messages: [{ role: 'user', content: 'x' }] });
  for await (const _ of stream) void _;
  assert.equal(bodyOf(h.sim.requests[0]).stream_options, undefined);
});

test('chat stream: parallel tool calls assemble through the SDK stream helper', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  const tools = ['get_weather', 'get_time'].map((name) => ({
    type: 'function' as const,
    function: { name, parameters: { type: 'object', properties: { city: { type: 'string' } } } },
  }));
  const runner = sdk(h.url).chat.completions.stream({ model: 'gpt-4o-mini', tools, messages: [{ role: 'user', content: 'please call tools for Paris' }] });
  const final = await runner.finalChatCompletion();
  const calls = final.choices[0]?.message.tool_calls ?? [];
  assert.equal(calls.length, 2);
  assert.equal(final.choices[0]?.finish_reason, 'tool_calls');
  for (const call of calls) {
    assert.equal(call.type, 'function');
    if (call.type === 'function') JSON.parse(call.function.arguments);
  }
});

test('chat stream: a deployment that rejects stream_options is retried once without it and remembered', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  h.sim.setDefault({ kind: 'rejectStreamOptions' });
  const client = sdk(h.url);
  for (let i = 0; i < 2; i++) {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: `try ${i}` }] });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
    assert.match(text, new RegExp(`try ${i}`));
  }
  // First request: rejected with stream_options, retried without. Second: sent without at once.
  assert.deepEqual(
    h.sim.requests.map((r) => bodyOf(r).stream_options !== undefined),
    [true, false, false],
  );
});
