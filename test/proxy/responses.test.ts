// The Responses API through the proxy: plain and streamed through the SDK, counted in usage, and
// a model routed to it with "*": "responses".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { proxyHarness } from '../harness/proxy-harness.js';

test('responses: plain and streamed through the SDK, usage counted', async (t) => {
  const h = await proxyHarness(t);
  const client = h.sdk();
  const plain = await client.responses.create({ model: 'gpt-4o-mini', input: 'tell me something' });
  assert.equal(plain.object, 'response');
  assert.match(plain.output_text, /tell me something/);
  const stream = client.responses.stream({ model: 'gpt-4o-mini', input: 'stream this' });
  const deltas: string[] = [];
  stream.on('response.output_text.delta', (e) => deltas.push(e.delta));
  const final = await stream.finalResponse();
  assert.equal(final.status, 'completed');
  assert.match(deltas.join(''), /stream this/);
  assert.equal(h.sim.requests[1]?.path, '/openai/v1/responses');
  const stats = await h.stats();
  assert.equal(stats.totals.requests, 2);
  assert.ok(stats.totals.totalTokens > 0);
});

test('"*": "responses" sends a chat call to the responses route of the deployment', async (t) => {
  const h = await proxyHarness(t);
  await h.sdk().responses.create({ model: 'codex', input: 'hi' });
  const seen = h.sim.requests[0]!;
  assert.equal(seen.path, '/openai/v1/responses');
  assert.equal((seen.body as { model: string }).model, 'dep-codex');
});
