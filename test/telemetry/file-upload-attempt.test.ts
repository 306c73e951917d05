// A file upload — a multipart body streamed to the files store, with no model and no failover —
// is traced like a model call: one request span, one attempt span under it naming the store,
// and that attempt's own context is the traceparent Foundry received.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toFile } from 'openai';
import { tracedProxy } from '../harness/traced-proxy.js';

test('a file upload gives a request span with one attempt whose context reached Foundry', async (t) => {
  const { h, flush, callTrace, attemptsOf } = await tracedProxy(t, 'http/protobuf');
  const file = await h.sdk().files.create({
    file: await toFile(Buffer.from('{"custom_id":"r1"}\n'), 'input.jsonl'),
    purpose: 'batch',
  });
  assert.match(file.id, /^file-/);
  await flush();
  const { span, attempts, contexts, received } = callTrace('POST /v1/files', '/openai/v1/files');
  assert.equal(span.attributes['gateway.attempts'], 1);
  assert.equal(span.attributes['gateway.target'], 'foundry/(files)');
  assert.equal(span.attributes['http.response.status_code'], 200);
  assert.deepEqual(attempts, [['call (files)', 'foundry/(files)', 200, 0]]);
  assert.equal(attemptsOf(span)[0]?.attributes['gen_ai.request.model'], undefined, 'the files store is no deployment');
  assert.equal(received.length, 1);
  assert.deepEqual(received, contexts);
});
