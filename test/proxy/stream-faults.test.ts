// An upstream that fails in the middle of a stream, goes silent, or outlasts requestTimeoutMs:
// the client gets what was sent, then an error event the SDK raises, never a [DONE].
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { STREAM_REQUEST, proxyHarness } from '../harness/proxy-harness.js';

test('an upstream that drops mid-stream: the client gets what was sent, then an error event the SDK raises', async (t) => {
  const h = await proxyHarness(t);
  h.sim.enqueue({ kind: 'dropMidStream', afterChunks: 3 });
  const stream = await h.sdk().chat.completions.create(STREAM_REQUEST);
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
  const h = await proxyHarness(t);
  h.sim.enqueue({ kind: 'dropMidStream', afterChunks: 2 });
  const res = await h.postChat(STREAM_REQUEST);
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
  const h = await proxyHarness(t, {
    configure: (c) => {
      (c.server as Record<string, unknown>).upstream = {
        connectTimeoutMs: 1000,
        firstByteTimeoutMs: 5000,
        idleTimeoutMs: 300,
        requestTimeoutMs: 30000,
      };
    },
  });
  h.sim.enqueue({ kind: 'slowChunks', intervalMs: 1500, chunks: 3 });
  const stream = await h.sdk().chat.completions.create(STREAM_REQUEST);
  const err = await (async () => {
    for await (const _ of stream) void _;
  })().catch((e: unknown) => e);
  assert.ok(err instanceof OpenAI.APIError);
  assert.match(err.message, /stalled|idleTimeoutMs/);
});

test('requestTimeoutMs bounds the whole exchange: 504 before headers, a timeout error event mid-stream', async (t) => {
  const h = await proxyHarness(t, {
    configure: (c) => {
      (c.server as Record<string, unknown>).upstream = {
        connectTimeoutMs: 1000,
        firstByteTimeoutMs: 10000,
        idleTimeoutMs: 10000,
        requestTimeoutMs: 600,
      };
    },
  });
  h.sim.enqueue({ kind: 'slowHeaders', delayMs: 3000 });
  const before = await h
    .sdk()
    .chat.completions.create({ ...STREAM_REQUEST, stream: false })
    .catch((e: unknown) => e);
  assert.ok(before instanceof OpenAI.APIError);
  assert.equal(before.status, 504);
  assert.match(before.message, /requestTimeoutMs/);
  h.sim.enqueue({ kind: 'slowChunks', intervalMs: 250, chunks: 10 });
  const stream = await h.sdk().chat.completions.create(STREAM_REQUEST);
  const mid = await (async () => {
    for await (const _ of stream) void _;
  })().catch((e: unknown) => e);
  assert.ok(mid instanceof OpenAI.APIError);
  assert.match(mid.message, /requestTimeoutMs/);
});
