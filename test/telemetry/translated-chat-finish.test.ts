// A chat call on a Responses deployment ("codex": "*": "responses") is translated both ways; its
// request span still carries what the upstream answered — the model, the response id and, as the
// finish reason, the Responses status — for a whole answer and for a stream alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tracedProxy } from '../harness/traced-proxy.js';

test('a translated chat call, plain and streamed, carries the finish reason, model and id the upstream answered', async (t) => {
  const { h, flush, answers } = await tracedProxy(t, 'http/protobuf');
  const client = h.sdk();
  const plain = await client.chat.completions.create({
    model: 'codex',
    messages: [{ role: 'user', content: 'translate me' }],
  });
  const streamed = await client.chat.completions
    .stream({ model: 'codex', messages: [{ role: 'user', content: 'stream translated' }] })
    .finalChatCompletion();
  assert.equal(plain.choices[0]?.finish_reason, 'stop');
  assert.equal(streamed.choices[0]?.finish_reason, 'stop');
  await flush();
  assert.deepEqual(answers(), [
    ['chat codex', ['completed'], 'dep-codex', plain.id],
    ['chat codex', ['completed'], 'dep-codex', streamed.id],
  ]);
  assert.equal(plain.model, 'dep-codex');
  assert.match(plain.id, /^resp_/);
  assert.notEqual(plain.id, streamed.id);
});
