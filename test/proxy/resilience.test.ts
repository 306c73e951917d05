import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startFoundrySimulator, type FoundrySimulator } from '../../simulator/foundry/simulator.js';
import { CLIENT_KEY, HEALTH_KEY, SIM_API_KEY, startProxyHarness, type ProxyHarness } from '../harness/proxy-harness.js';

// Pools of simulator instances, each its own "resource". Every test states the numbers it
// checks: calls per target and the statuses the client saw.

interface Pool {
  h: ProxyHarness;
  a: FoundrySimulator;
  b: FoundrySimulator;
  client: OpenAI;
}

async function startPool(t: { after: (fn: () => Promise<void>) => void }, opts: { samePriority?: boolean; upstream?: Record<string, unknown> } = {}): Promise<Pool> {
  const b = await startFoundrySimulator({ apiKey: SIM_API_KEY });
  const h = await startProxyHarness({
    configure: (c, sim) => {
      const server = c.server as Record<string, unknown>;
      server.upstream = { connectTimeoutMs: 1000, firstByteTimeoutMs: 400, idleTimeoutMs: 5000, requestTimeoutMs: 20000, ...opts.upstream };
      (c.upstreams as unknown[]).push({ name: 'a', baseUrl: sim.url, auth: { mode: 'apiKey', apiKey: SIM_API_KEY } }, { name: 'b', baseUrl: b.url, auth: { mode: 'apiKey', apiKey: SIM_API_KEY } });
      (c.models as unknown[]).push({
        id: 'pool',
        targets: [
          { upstream: 'a', targetModel: 'dep-a', priority: 0, weight: 1 },
          { upstream: 'b', targetModel: 'dep-b', priority: opts.samePriority ? 0 : 1, weight: 1 },
        ],
      });
    },
  });
  t.after(async () => {
    await h.close();
    await b.close();
  });
  return { h, a: h.sim, b, client: new OpenAI({ baseURL: `${h.url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0 }) };
}

const ask = (client: OpenAI, extra: Record<string, unknown> = {}) => client.chat.completions.create({ model: 'pool', messages: [{ role: 'user', content: 'hi' }], ...extra });
const statusOf = async (p: Promise<unknown>) => p.then(() => 200, (e: unknown) => (e instanceof OpenAI.APIError ? (e.status ?? 0) : -1));

test('a 429 with retry-after-ms: every client request succeeds via the other target; the first is left alone until its cool-down ends', async (t) => {
  const { a, b, client } = await startPool(t, { samePriority: true });
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
  const { a, b, client } = await startPool(t);
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
  const { a, b, client } = await startPool(t);
  a.enqueue({ kind: 'status', status: 503 }, 'reset', { kind: 'slowHeaders', delayMs: 3000 });
  const statuses = [await statusOf(ask(client)), await statusOf(ask(client)), await statusOf(ask(client))];
  assert.deepEqual(statuses, [200, 200, 200]);
  assert.deepEqual([a.requests.length, b.requests.length], [3, 3]);
});

test('a drop after the first byte is not retried: the client gets a clean error event', async (t) => {
  const { a, b, client } = await startPool(t);
  a.enqueue({ kind: 'dropMidStream', afterChunks: 2 });
  const stream = await ask(client, { stream: true });
  const err = await (async () => {
    for await (const _ of stream as unknown as AsyncIterable<unknown>) void _;
  })().catch((e: unknown) => e);
  assert.ok(err instanceof OpenAI.APIError);
  assert.match(err.message, /upstream stream failed/);
  assert.deepEqual([a.requests.length, b.requests.length], [1, 0]);
});

test('retryStatuses are honoured exactly: only listed statuses are retried on the same target', async (t) => {
  const h = await startProxyHarness({
    configure: (c) => {
      (c.server as Record<string, unknown>).upstream = { maxRetries: 2, retryBaseMs: 10, retryMaxMs: 20, retryStatuses: [500], firstByteTimeoutMs: 2000 };
    },
  });
  t.after(() => h.close());
  const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
  h.sim.enqueue({ kind: 'status', status: 503 });
  assert.equal(await statusOf(ask(client, { model: 'gpt-5-mini' })), 503);
  assert.equal(h.sim.requests.length, 1, '503 is not in retryStatuses: no retry');
  h.sim.enqueue({ kind: 'status', status: 500 }, { kind: 'status', status: 500 });
  assert.equal(await statusOf(ask(client, { model: 'gpt-5-mini' })), 200);
  assert.equal(h.sim.requests.length, 4, '500 twice, then success on the third try');
  h.sim.enqueue({ kind: 'status', status: 500 }, { kind: 'status', status: 500 }, { kind: 'status', status: 500 });
  assert.equal(await statusOf(ask(client, { model: 'gpt-5-mini' })), 500);
  assert.equal(h.sim.requests.length, 7, 'maxRetries 2: three calls in all');
});

test('the circuit opens after consecutive failures, then one request tests the target (half-open)', async (t) => {
  const { h, a, b, client } = await startPool(t, { upstream: { circuitBreaker: { failureThreshold: 2, openMs: 600 } } });
  a.setDefault({ kind: 'status', status: 500 });
  for (let i = 0; i < 2; i++) assert.equal(await statusOf(ask(client)), 200);
  assert.equal(a.requests.length, 2);
  for (let i = 0; i < 3; i++) assert.equal(await statusOf(ask(client)), 200);
  assert.equal(a.requests.length, 2, 'circuit open: target a is not called');
  const ready = (await (await fetch(`${h.url}/readyz`, { headers: { authorization: `Bearer ${HEALTH_KEY}` } })).json()) as { targets: Record<string, { state: string }> };
  assert.equal(ready.targets['a/dep-a']?.state, 'circuit_open');
  a.setDefault('ok');
  await new Promise((r) => setTimeout(r, 700));
  assert.equal(await statusOf(ask(client)), 200);
  assert.equal(a.requests.length, 3, 'one probe reached target a');
  for (let i = 0; i < 3; i++) await ask(client);
  assert.equal(a.requests.length, 6, 'circuit closed again: target a (priority 0) takes the traffic');
  assert.equal(b.requests.length, 5);
});

test('a follow-up with previous_response_id lands on the original target, also after a proxy restart', async (t) => {
  const { h, a, b } = await startPool(t, { samePriority: true });
  const client = () => new OpenAI({ baseURL: `${h.url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
  const first = await client().responses.create({ model: 'pool', input: 'remember me' });
  const origin = a.requests.length === 1 ? a : b;
  const other = origin === a ? b : a;
  await h.restart();
  for (let i = 0; i < 8; i++) await client().responses.create({ model: 'pool', input: `again ${i}`, previous_response_id: first.id });
  assert.equal(origin.requests.length, 9, 'every follow-up went to the resource that made the response');
  assert.equal(other.requests.length, 0);
  const fetched = await client().responses.retrieve(first.id);
  assert.equal(fetched.id, first.id);
  const items = await client().responses.inputItems.list(first.id);
  assert.ok(items.data.length >= 1);
  await client().responses.delete(first.id);
  await assert.rejects(client().responses.retrieve(first.id), OpenAI.NotFoundError);
  assert.equal(other.requests.length, 0);
});
