// Requests the proxy cannot read are refused before anything goes upstream: malformed JSON, a
// media type it does not parse, a body over the limit, a path it does not serve.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectApiError } from '../harness/api-error.js';
import { CLIENT_KEY, HELLO, proxyHarness } from '../harness/proxy-harness.js';

test('malformed JSON → 400, wrong media type → 415, body over the limit → 413, unknown path → 404', async (t) => {
  const h = await proxyHarness(t, { envBodyLimit: 4096 });
  const post = (body: string, type = 'application/json') =>
    fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': type },
      body,
    });
  const bad = await post('{"model": "gpt-4o-mini", ');
  assert.equal(bad.status, 400);
  const badBody = (await bad.json()) as { error: { code: string; type: string } };
  assert.equal(badBody.error.code, 'invalid_json');
  assert.equal(badBody.error.type, 'invalid_request_error');
  assert.equal((await post('[1,2]')).status, 400);
  assert.equal((await post('model=x', 'application/x-www-form-urlencoded')).status, 415);
  await expectApiError(
    h.sdk().chat.completions.create({ ...HELLO, messages: [{ role: 'user', content: 'x'.repeat(5000) }] }),
    413,
    'request_too_large',
  );
  const unknown = await fetch(`${h.url}/v1/nothing-here`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } });
  assert.equal(unknown.status, 404);
  assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'not_found');
  assert.equal(h.sim.requests.length, 0);
});
