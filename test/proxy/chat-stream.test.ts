// Streamed chat completions through the proxy: chunks reach the SDK as Azure sent them (and as
// they come), usage is asked for and counted without reaching a client that did not ask, and a
// deployment that rejects stream_options is handled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STREAM_REQUEST, proxyHarness } from '../harness/proxy-harness.js';
import { bodyOf } from '../harness/sim-request.js';

test('chat stream: chunks arrive as the SDK expects, usage is exact and the injected usage chunk is removed', async (t) => {
  const h = await proxyHarness(t);
  const stream = await h.sdk().chat.completions.create({
    model: 'gpt-4o-mini',
    stream: true,
    messages: [{ role: 'user', content: 'stream me please' }],
  });
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
  const stats = await h.stats();
  assert.equal(stats.totals.requests, 1);
  assert.ok(stats.totals.promptTokens > 0 && stats.totals.completionTokens > 0, JSON.stringify(stats.totals));
});

test('chat stream: a client that asks for usage gets the usage chunk', async (t) => {
  const h = await proxyHarness(t);
  const stream = await h.sdk().chat.completions.create({
    model: 'gpt-4o-mini',
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'count me' }],
  });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  const usage = chunks.filter((c) => c.choices.length === 0 && c.usage);
  assert.equal(usage.length, 1);
  assert.ok((usage[0]?.usage?.total_tokens ?? 0) > 0);
});

test('chat stream: a model with streamUsage off is sent the request untouched', async (t) => {
  const h = await proxyHarness(t);
  const stream = await h
    .sdk()
    .chat.completions.create({ model: 'no-usage', stream: true, messages: [{ role: 'user', content: 'x' }] });
  for await (const _ of stream) void _;
  assert.equal(bodyOf(h.sim.requests[0]).stream_options, undefined);
});

test('chat stream: parallel tool calls assemble through the SDK stream helper', async (t) => {
  const h = await proxyHarness(t);
  const tools = ['get_weather', 'get_time'].map((name) => ({
    type: 'function' as const,
    function: { name, parameters: { type: 'object', properties: { city: { type: 'string' } } } },
  }));
  const runner = h.sdk().chat.completions.stream({
    model: 'gpt-4o-mini',
    tools,
    messages: [{ role: 'user', content: 'please call tools for Paris' }],
  });
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
  const h = await proxyHarness(t);
  h.sim.setDefault({ kind: 'rejectStreamOptions' });
  const client = h.sdk();
  for (let i = 0; i < 2; i++) {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: `try ${i}` }],
    });
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

test('content-filter chunks and finish_reason content_filter are relayed untouched', async (t) => {
  const h = await proxyHarness(t);
  h.sim.enqueue({ kind: 'contentFilter' });
  const stream = await h.sdk().chat.completions.create(STREAM_REQUEST);
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'content_filter');
});

test('events reach the client while the upstream is still generating (no buffering)', async (t) => {
  const h = await proxyHarness(t);
  h.sim.enqueue({ kind: 'slowChunks', intervalMs: 150, chunks: 10 });
  const stream = await h.sdk().chat.completions.create(STREAM_REQUEST);
  let sawContentWhileUpstreamBusy = false;
  for await (const chunk of stream) {
    if (chunk.choices[0]?.delta?.content && h.sim.requests[0]?.completed === false) sawContentWhileUpstreamBusy = true;
  }
  assert.ok(sawContentWhileUpstreamBusy, 'a content chunk arrived before the upstream finished its response');
  assert.equal(h.sim.requests[0]?.completed, true);
});
