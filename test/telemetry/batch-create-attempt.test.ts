// Creating a batch — a JSON call on the store that holds its input file — is one request span
// with one attempt span under it, whose own context is the traceparent Foundry received.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toFile } from 'openai';
import { tracedProxy } from '../harness/traced-proxy.js';

const INPUT = `${JSON.stringify({
  custom_id: 'r1',
  method: 'POST',
  url: '/chat/completions',
  body: { model: 'dep-4o-mini', messages: [{ role: 'user', content: 'batched' }] },
})}\n`;

test('a batch create gives a request span with one attempt whose context reached Foundry', async (t) => {
  const { h, flush, callTrace } = await tracedProxy(t, 'http/json');
  const client = h.sdk();
  const file = await client.files.create({ file: await toFile(Buffer.from(INPUT), 'input.jsonl'), purpose: 'batch' });
  const batch = await client.batches.create({
    input_file_id: file.id,
    endpoint: '/v1/chat/completions',
    completion_window: '24h',
  });
  assert.equal(batch.status, 'validating');
  await flush();
  const { span, attempts, contexts, received } = callTrace('POST /v1/batches', '/openai/v1/batches');
  assert.equal(span.attributes['gateway.attempts'], 1);
  assert.equal(span.attributes['gateway.target'], 'foundry/(batches)');
  assert.deepEqual(attempts, [['call (batches)', 'foundry/(batches)', 200, 0]]);
  assert.equal(received.length, 1);
  assert.deepEqual(received, contexts);
});
