// A stored response lives on the resource that made it: follow-ups with previous_response_id, and
// retrieve, input items and delete, all go to that target, also after the proxy restarts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startTargetPool } from '../harness/target-pool.js';

test('a follow-up with previous_response_id lands on the original target, also after a proxy restart', async (t) => {
  const { h, a, b } = await startTargetPool(t, { samePriority: true });
  const client = () => h.sdk();
  const first = await client().responses.create({ model: 'pool', input: 'remember me' });
  const origin = a.requests.length === 1 ? a : b;
  const other = origin === a ? b : a;
  await h.restart();
  for (let i = 0; i < 8; i++)
    await client().responses.create({ model: 'pool', input: `again ${i}`, previous_response_id: first.id });
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
