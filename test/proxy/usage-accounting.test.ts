// Every /v1 request is counted exactly once, whoever answers it: the guard, the relay or a
// follow-up. A follow-up's stored response carries the usage of the call that made it, which
// was counted then and is not counted again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { proxyHarness } from '../harness/proxy-harness.js';

test('refusals, answers and follow-ups each count once; a fetched response adds no tokens', async (t) => {
  const h = await proxyHarness(t);
  const client = h.sdk();
  const created = await client.responses.create({ model: 'gpt-5-mini', input: 'count me once' });
  const fetched = await client.responses.retrieve(created.id);
  assert.equal(fetched.usage?.total_tokens, created.usage?.total_tokens);
  await h
    .sdk('wrong')
    .responses.create({ model: 'gpt-5-mini', input: 'x' })
    .catch(() => undefined);
  await client.responses.create({ model: 'nope', input: 'x' }).catch(() => undefined);
  await client.models.list();
  const { requests, s2xx, s4xx, promptTokens, completionTokens } = (await h.stats()).totals;
  assert.deepEqual({ requests, s2xx, s4xx }, { requests: 4, s2xx: 2, s4xx: 2 }, 'the model listing is not usage');
  assert.deepEqual([promptTokens, completionTokens], [created.usage?.input_tokens, created.usage?.output_tokens]);
});
