import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { CLIENT_KEY, startProxyHarness } from '../harness/proxy-harness.js';

function sdk(url: string) {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
}

const streamReq = { model: 'gpt-4o-mini', stream: true as const, messages: [{ role: 'user' as const, content: 'a fairly long answer please' }] };

test('an upstream that drops mid-stream: the client gets what was sent, then an error event the SDK raises', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  h.sim.enqueue({ kind: 'dropMidStream', afterChunks: 3 });
  const stream = await sdk(h.url).chat.completions.create(streamReq);
  const received: unknown[] = [];
  let failure: unknown;
  try {
    for await (const chunk of stream) received.push(chunk);
  } catch (err) {
    failure = err;
  }
  assert.ok(received.length >= 1, 'chunks before the drop were delivered');
  assert.ok(failure instanceof OpenAI.APIError, `expected an APIError, got ${String(failure)}`);
  assert.match(failure.message, /upstream stream failed/);
  assert.equal(h.sim.requests.length, 1, 'nothing is retried once bytes went to the client');
});

test('the raw stream after a mid-stream failure: whole events, one error event, no [DONE]', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  h.sim.enqueue({ kind: 'dropMidStream', afterChunks: 2 });
  const res = await fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(streamReq),
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cache-control'), 'no-cache');
  assert.equal(res.headers.get('x-accel-buffering'), 'no');
  const text = await res.text();
  const events = text.split('\n\n').filter(Boolean);
  for (const e of events.slice(0, -1)) assert.doesNotThrow(() => JSON.parse(e.replace(/^data: /, '')), e);
  const last = JSON.parse(events.at(-1)!.replace(/^data: /, '')) as { error: { code: string } };
  assert.equal(last.error.code, 'upstream_stream_error');
  assert.ok(!text.includes('[DONE]'));
});

test('a stream that goes silent longer than idleTimeoutMs ends with a timeout error event', async (t) => {
  const h = await startProxyHarness({
    configure: (c) => {
      (c.server as Record<string, unknown>).upstream = { connectTimeoutMs: 1000, firstByteTimeoutMs: 5000, idleTimeoutMs: 300, requestTimeoutMs: 30000 };
    },
  });
  t.after(() => h.close());
  h.sim.enqueue({ kind: 'slowChunks', intervalMs: 1500, chunks: 3 });
  const stream = await sdk(h.url).chat.completions.create(streamReq);
  const err = await (async () => {
    for await (const _ of stream) void _;
  })().catch((e: unknown) => e);
  assert.ok(err instanceof OpenAI.APIError);
  assert.match(err.message, /stalled|idleTimeoutMs/);
});

test('a client that disconnects mid-stream aborts the upstream request at once', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  h.sim.enqueue({ kind: 'slowChunks', intervalMs: 200, chunks: 50 });
  const controller = new AbortController();
  const res = await fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(streamReq),
    signal: controller.signal,
  });
  const reader = res.body!.getReader();
  await reader.read();
  const abortedAt = Date.now();
  controller.abort();
  const seen = await h.sim.waitFor((r) => r.aborted, 3000);
  assert.ok(seen.aborted);
  assert.ok(Date.now() - abortedAt < 1000, 'the upstream saw the abort well before the stream would have ended (10 s)');
  assert.equal(seen.completed, false);
});

test('a client that disconnects while the upstream has not answered yet aborts it too', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  h.sim.enqueue({ kind: 'hang' });
  const controller = new AbortController();
  const pending = fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...streamReq, stream: false }),
    signal: controller.signal,
  }).catch((e: unknown) => e);
  await h.sim.waitFor(() => true, 3000);
  controller.abort();
  await pending;
  const seen = await h.sim.waitFor((r) => r.aborted, 3000);
  assert.ok(seen.aborted);
});

test('content-filter chunks and finish_reason content_filter are relayed untouched', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  h.sim.enqueue({ kind: 'contentFilter' });
  const stream = await sdk(h.url).chat.completions.create(streamReq);
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'content_filter');
});

test('events reach the client while the upstream is still generating (no buffering)', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  h.sim.enqueue({ kind: 'slowChunks', intervalMs: 150, chunks: 10 });
  const stream = await sdk(h.url).chat.completions.create(streamReq);
  let sawContentWhileUpstreamBusy = false;
  for await (const chunk of stream) {
    if (chunk.choices[0]?.delta?.content && h.sim.requests[0]?.completed === false) sawContentWhileUpstreamBusy = true;
  }
  assert.ok(sawContentWhileUpstreamBusy, 'a content chunk arrived before the upstream finished its response');
  assert.equal(h.sim.requests[0]?.completed, true);
});

test('requestTimeoutMs bounds the whole exchange: 504 before headers, a timeout error event mid-stream', async (t) => {
  const h = await startProxyHarness({
    configure: (c) => {
      (c.server as Record<string, unknown>).upstream = { connectTimeoutMs: 1000, firstByteTimeoutMs: 10000, idleTimeoutMs: 10000, requestTimeoutMs: 600 };
    },
  });
  t.after(() => h.close());
  h.sim.enqueue({ kind: 'slowHeaders', delayMs: 3000 });
  const before = await sdk(h.url).chat.completions.create({ ...streamReq, stream: false }).catch((e: unknown) => e);
  assert.ok(before instanceof OpenAI.APIError);
  assert.equal(before.status, 504);
  assert.match(before.message, /requestTimeoutMs/);
  h.sim.enqueue({ kind: 'slowChunks', intervalMs: 250, chunks: 10 });
  const stream = await sdk(h.url).chat.completions.create(streamReq);
  const mid = await (async () => {
    for await (const _ of stream) void _;
  })().catch((e: unknown) => e);
  assert.ok(mid instanceof OpenAI.APIError);
  assert.match(mid.message, /requestTimeoutMs/);
});
