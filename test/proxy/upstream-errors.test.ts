// Azure's own errors reach the client as Azure sent them: status, body byte for byte, and the
// retry headers; a 429 also cools the target down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { expectApiError } from '../harness/api-error.js';
import { HELLO, proxyHarness } from '../harness/proxy-harness.js';

test('upstream errors pass through with their status, body and retry headers', async (t) => {
  const h = await proxyHarness(t);
  h.sim.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '7', 'retry-after-ms': '7000' } });
  const err = await expectApiError(h.sdk().chat.completions.create(HELLO), 429, '429', OpenAI.RateLimitError);
  assert.equal(err.headers?.get('retry-after'), '7');
  assert.equal(err.headers?.get('retry-after-ms'), '7000');
  assert.match(err.message, /rate limit/i);
  // During the cool-down Azure asked for, the gateway answers 429 itself without calling it.
  const cooling = await expectApiError(
    h.sdk().chat.completions.create(HELLO),
    429,
    'rate_limit_exceeded',
    OpenAI.RateLimitError,
  );
  assert.ok(Number(cooling.headers?.get('retry-after')) <= 7);
  assert.equal(h.sim.requests.length, 1, 'the cooling target was not called again');
  // A 429 before the first byte of a stream is still a 429, not a 200 stream.
  h.sim.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '3' } });
  await expectApiError(
    h.sdk().chat.completions.create({ ...HELLO, model: 'gpt-5-mini', stream: true }),
    429,
    '429',
    OpenAI.RateLimitError,
  );
  h.sim.enqueue({ kind: 'status', status: 500 });
  const e500 = await h
    .sdk()
    .chat.completions.create({ ...HELLO, model: 'embed' })
    .catch((e: unknown) => e);
  assert.ok(e500 instanceof OpenAI.InternalServerError);
  assert.equal(e500.status, 500);
});

test('an upstream error body passes through byte for byte', async (t) => {
  const h = await proxyHarness(t);
  const azureBody = {
    error: {
      code: 'content_filter',
      message: 'The response was filtered',
      param: 'prompt',
      type: null,
      innererror: { code: 'ResponsibleAIPolicyViolation' },
    },
  };
  h.sim.enqueue({ kind: 'status', status: 400, body: azureBody });
  const res = await h.postChat(HELLO);
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), azureBody);
});

test("a client's own stream_options rejected by the deployment reaches the client as Azure's 400", async (t) => {
  const h = await proxyHarness(t);
  h.sim.setDefault({ kind: 'rejectStreamOptions' });
  const err = await h
    .sdk()
    .chat.completions.create({ ...HELLO, stream: true, stream_options: { include_usage: true } })
    .catch((e: unknown) => e);
  assert.ok(err instanceof OpenAI.BadRequestError);
  assert.equal(h.sim.requests.length, 1, "the client's parameter is not silently removed and retried");
});
