import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { CLIENT_KEY, startProxyHarness } from '../harness/proxy-harness.js';

type Json = Record<string, unknown>;

test('maxConcurrent: of 6 concurrent streams exactly 2 run; the rest get rate_limit_exceeded; slots free when streams end', async (t) => {
  const h = await startProxyHarness({
    configure: (config) => {
      (config.apiKeys as Json[])[0]!.limits = { maxConcurrent: 2 };
    },
  });
  t.after(() => h.close());
  const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
  const slow = { 'x-sim-scenario': JSON.stringify({ kind: 'slowChunks', intervalMs: 40, chunks: 8 }) };
  const run = async (): Promise<string> => {
    try {
      const stream = await client.chat.completions.create(
        { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }], stream: true },
        { headers: slow },
      );
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      return text ? 'ok' : 'empty';
    } catch (err) {
      return err instanceof OpenAI.RateLimitError ? `429:${String(err.code)}` : `other:${String(err)}`;
    }
  };
  const outcomes = await Promise.all(Array.from({ length: 6 }, run));
  assert.deepEqual(outcomes.filter((o) => o === 'ok').length, 2, outcomes.join(' '));
  assert.deepEqual(outcomes.filter((o) => o === '429:rate_limit_exceeded').length, 4, outcomes.join(' '));
  assert.equal(await run(), 'ok', 'both slots were released when the streams ended');
  const view = (await (await fetch(`${h.internalUrl}/internal/governance`)).json()) as {
    scopes: Record<string, { inFlight: number }>;
  };
  assert.equal(view.scopes['key:main']?.inFlight, 0);
});

test('a client that leaves mid-stream releases its slot', async (t) => {
  const h = await startProxyHarness({
    configure: (config) => {
      (config.apiKeys as Json[])[0]!.limits = { maxConcurrent: 1 };
    },
  });
  t.after(() => h.close());
  const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
  const slow = { 'x-sim-scenario': JSON.stringify({ kind: 'slowChunks', intervalMs: 200, chunks: 20 }) };
  const controller = new AbortController();
  const stream = await client.chat.completions.create(
    { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }], stream: true },
    { headers: slow, signal: controller.signal },
  );
  for await (const _ of stream) {
    void _;
    controller.abort();
    break;
  }
  let inFlight = 1;
  for (let i = 0; i < 100 && inFlight !== 0; i++) {
    await new Promise((r) => setTimeout(r, 20));
    const view = (await (await fetch(`${h.internalUrl}/internal/governance`)).json()) as {
      scopes: Record<string, { inFlight: number }>;
    };
    inFlight = view.scopes['key:main']?.inFlight ?? -1;
  }
  assert.equal(inFlight, 0);
  const answer = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'hi' }],
  });
  assert.equal(answer.object, 'chat.completion');
});
