// A Responses call on a chat-only deployment ("chatonly": responses → chat/completions) is
// translated both ways; its request span still carries what the upstream answered — the chat
// finish reason, the model and the chat completion's id (the client's id is it with `resp_` in
// front) — for a whole answer and for a stream alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHAT_ONLY_MODEL } from '../harness/proxy-harness.js';
import { tracedProxy } from '../harness/traced-proxy.js';

test('a translated Responses call, plain and streamed, carries the finish reason, model and id the upstream answered', async (t) => {
  const { h, flush, answers } = await tracedProxy(t, 'http/json', {
    configure: (c) => (c.models as unknown[]).push(CHAT_ONLY_MODEL),
  });
  const client = h.sdk();
  const plain = await client.responses.create({ model: 'chatonly', input: 'hello responses' });
  const streamed = await client.responses.stream({ model: 'chatonly', input: 'hello stream' }).finalResponse();
  assert.equal(plain.status, 'completed');
  assert.equal(streamed.status, 'completed');
  await flush();
  // The client's id is the upstream's with `resp_` in front.
  assert.deepEqual(
    answers().map(([name, finish, model, id]) => [name, finish, model, `resp_${String(id)}`]),
    [
      ['chat chatonly', ['stop'], 'dep-chat', plain.id],
      ['chat chatonly', ['stop'], 'dep-chat', streamed.id],
    ],
  );
  assert.match(plain.id, /^resp_chatcmpl-/);
  assert.notEqual(plain.id, streamed.id);
});
