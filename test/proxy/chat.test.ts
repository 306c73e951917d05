// Chat completions through the proxy: the model becomes the deployment, the client's credentials
// are swapped for the upstream's, and explicit classic routes are followed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLIENT_KEY, SIM_API_KEY, proxyHarness } from '../harness/proxy-harness.js';
import { bodyOf } from '../harness/sim-request.js';

test('chat: the SDK gets the upstream answer; the model becomes the deployment; credentials are swapped', async (t) => {
  const h = await proxyHarness(t);
  const client = h.sdk();
  const { data, response } = await client.chat.completions
    .create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }] },
      { headers: { 'x-request-id': 'trace-123', cookie: 'session=abc' } },
    )
    .withResponse();
  assert.equal(data.object, 'chat.completion');
  assert.match(data.choices[0]?.message.content ?? '', /hello there/);
  assert.ok((data.usage?.prompt_tokens ?? 0) > 0);
  assert.equal(response.headers.get('x-request-id'), 'trace-123');
  assert.ok(response.headers.get('apim-request-id'), 'Azure headers pass through');
  assert.ok(response.headers.get('x-ratelimit-remaining-requests'));

  assert.equal(h.sim.requests.length, 1);
  const seen = h.sim.requests[0]!;
  assert.equal(seen.path, '/openai/v1/chat/completions');
  assert.equal(bodyOf(seen).model, 'dep-4o-mini');
  // The client's key and cookie never reach Azure; the managed-identity token does.
  assert.equal(seen.headers.cookie, undefined);
  assert.equal(seen.headers['api-key'], undefined);
  const auth = seen.headers.authorization;
  assert.ok(typeof auth === 'string' && auth.startsWith('Bearer '));
  assert.ok(h.identity.isValid(auth.slice('Bearer '.length)));
  assert.ok(!auth.includes(CLIENT_KEY));
  assert.equal(seen.headers['x-request-id'], 'trace-123');
});

test('chat: an api-key upstream gets its api-key header and no bearer token', async (t) => {
  const h = await proxyHarness(t);
  const res = await h
    .sdk()
    .chat.completions.create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(res.object, 'chat.completion');
  const seen = h.sim.requests[0]!;
  assert.equal(seen.headers['api-key'], SIM_API_KEY);
  assert.equal(seen.headers.authorization, undefined);
  assert.equal(bodyOf(seen).model, 'dep-5-mini');
});

test('chat: an explicit classic route reaches /openai/deployments/{deployment}/... with its api-version', async (t) => {
  const h = await proxyHarness(t);
  const res = await h.sdk().chat.completions.create({ model: 'classic', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(res.object, 'chat.completion');
  assert.equal(h.sim.requests[0]?.path, '/openai/deployments/dep-classic/chat/completions?api-version=2024-10-21');
});
