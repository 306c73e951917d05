// Failover between the targets of one model: a 429 cools a target down for the time asked while
// the other serves; 503, a reset and a hang before headers move on to the next target; once bytes
// went to the client nothing is retried. Each test states the calls per target it expects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { askPool as ask, startTargetPool, statusOf } from '../harness/target-pool.js';

test('a 429 with retry-after-ms: every client request succeeds via the other target; the first is left alone until its cool-down ends', async (t) => {
  const { a, b, client } = await startTargetPool(t, { samePriority: true });
  a.setDefault({ kind: 'status', status: 429, headers: { 'retry-after-ms': '1500' } });
  const statuses = [];
  for (let i = 0; i < 10; i++) statuses.push(await statusOf(ask(client)));
  assert.deepEqual(statuses, Array(10).fill(200));
  assert.equal(a.requests.length, 1, 'target a was called once, then cooled down');
  assert.equal(b.requests.length, 10);
  a.setDefault('ok');
  await new Promise((r) => setTimeout(r, 1600));
  for (let i = 0; i < 10; i++) await ask(client);
  assert.ok(a.requests.length > 1, 'after the cool-down target a takes requests again');
});

test('every target answering 429: the client gets a 429 whose retry-after is the shortest cool-down', async (t) => {
  const { a, b, client } = await startTargetPool(t);
  a.setDefault({ kind: 'status', status: 429, headers: { 'retry-after-ms': '4000' } });
  b.setDefault({ kind: 'status', status: 429, headers: { 'retry-after-ms': '1200' } });
  const err = await ask(client).catch((e: unknown) => e);
  assert.ok(err instanceof OpenAI.RateLimitError);
  assert.equal(err.headers?.get('retry-after'), '2');
  assert.ok(Number(err.headers?.get('retry-after-ms')) <= 1200);
  assert.deepEqual([a.requests.length, b.requests.length], [1, 1]);
  // While both cool down the gateway answers by itself, still in OpenAI's shape.
  const again = await ask(client).catch((e: unknown) => e);
  assert.ok(again instanceof OpenAI.RateLimitError);
  assert.equal(again.code, 'rate_limit_exceeded');
  assert.deepEqual([a.requests.length, b.requests.length], [1, 1]);
});

test('503, connection reset and a hang before headers each fail over to the next target', async (t) => {
  const { a, b, client } = await startTargetPool(t);
  a.enqueue({ kind: 'status', status: 503 }, 'reset', { kind: 'slowHeaders', delayMs: 3000 });
  const statuses = [await statusOf(ask(client)), await statusOf(ask(client)), await statusOf(ask(client))];
  assert.deepEqual(statuses, [200, 200, 200]);
  assert.deepEqual([a.requests.length, b.requests.length], [3, 3]);
});

test('a drop after the first byte is not retried: the client gets a clean error event', async (t) => {
  const { a, b, client } = await startTargetPool(t);
  a.enqueue({ kind: 'dropMidStream', afterChunks: 2 });
  const stream = await ask(client, { stream: true });
  const err = await (async () => {
    for await (const _ of stream as unknown as AsyncIterable<unknown>) void _;
  })().catch((e: unknown) => e);
  assert.ok(err instanceof OpenAI.APIError);
  assert.match(err.message, /upstream stream failed/);
  assert.deepEqual([a.requests.length, b.requests.length], [1, 0]);
});
