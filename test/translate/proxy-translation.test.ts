import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { CHAT_ONLY_MODEL, proxyHarness } from '../harness/proxy-harness.js';

// Translation through the real proxy: "codex" answers only the Responses API ("*": "responses"),
// "chatonly" only Chat Completions. The SDK's own stream helpers assemble the answers.

async function harness(t: TestContext) {
  const h = await proxyHarness(t, {
    configure: (c) => (c.models as unknown[]).push(CHAT_ONLY_MODEL),
  });
  return { h, client: h.sdk() };
}

const tools = [
  {
    type: 'function' as const,
    function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
  },
];

test('chat client, Responses deployment: plain, streamed and tool calls come back as chat completions', async (t) => {
  const { h, client } = await harness(t);
  const plain = await client.chat.completions.create({
    model: 'codex',
    messages: [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'translate me' },
    ],
  });
  assert.equal(plain.object, 'chat.completion');
  assert.match(plain.choices[0]?.message.content ?? '', /translate me/);
  assert.ok((plain.usage?.prompt_tokens ?? 0) > 0);
  const sent = h.sim.requests[0]!;
  assert.equal(sent.path, '/openai/v1/responses');
  assert.equal((sent.body as { instructions?: string }).instructions, 'be brief');
  assert.equal((sent.body as { model?: string }).model, 'dep-codex');

  const final = await client.chat.completions
    .stream({ model: 'codex', messages: [{ role: 'user', content: 'stream translated' }] })
    .finalChatCompletion();
  assert.match(final.choices[0]?.message.content ?? '', /stream translated/);
  assert.equal(final.choices[0]?.finish_reason, 'stop');

  const withTools = await client.chat.completions
    .stream({ model: 'codex', tools, messages: [{ role: 'user', content: 'please call tools' }] })
    .finalChatCompletion();
  assert.equal(withTools.choices[0]?.finish_reason, 'tool_calls');
  assert.ok((withTools.choices[0]?.message.tool_calls?.length ?? 0) >= 1);
  const stats = (await (await fetch(`${h.internalUrl}/internal/stats`)).json()) as {
    totals: { requests: number; totalTokens: number };
  };
  assert.equal(stats.totals.requests, 3);
  assert.ok(stats.totals.totalTokens > 0, 'usage is counted through the translation');
});

test('Responses client, chat deployment: responses.stream() assembles the translated events', async (t) => {
  const { h, client } = await harness(t);
  const stream = client.responses.stream({ model: 'chatonly', instructions: 'be brief', input: 'hello responses' });
  const deltas: string[] = [];
  stream.on('response.output_text.delta', (e) => deltas.push(e.delta));
  const final = await stream.finalResponse();
  assert.equal(final.status, 'completed');
  assert.match(deltas.join(''), /hello responses/);
  assert.ok((final.usage?.total_tokens ?? 0) > 0);
  const sent = h.sim.requests[0]!;
  assert.equal(sent.path, '/openai/v1/chat/completions');
  const messages = (sent.body as { messages: Array<{ role: string }> }).messages;
  assert.deepEqual(
    messages.map((m) => m.role),
    ['system', 'user'],
  );
});

test('what cannot be carried is a clear 400 naming it, and nothing goes upstream', async (t) => {
  const { h, client } = await harness(t);
  const n2 = await client.chat.completions
    .create({ model: 'codex', n: 2, messages: [{ role: 'user', content: 'x' }] })
    .catch((e: unknown) => e);
  assert.ok(n2 instanceof OpenAI.BadRequestError);
  assert.equal(n2.param, 'n');
  const prev = await client.responses
    .create({ model: 'chatonly', input: 'x', previous_response_id: 'resp_123' })
    .catch((e: unknown) => e);
  assert.ok(prev instanceof OpenAI.BadRequestError);
  assert.equal(prev.param, 'previous_response_id');
  assert.equal(h.sim.requests.length, 0);
});
