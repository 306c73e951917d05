import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { CLIENT_KEY, DISABLED_KEY, HEALTH_KEY, LIMITED_KEY, startProxyHarness } from '../harness/proxy-harness.js';

function sdk(url: string, key = CLIENT_KEY) {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 });
}

const hello = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hello' }] };

async function expectApiError(p: Promise<unknown>, status: number, code: string | null, type?: unknown): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof OpenAI.APIError, `expected an APIError, got ${String(err)}`);
    if (type) assert.ok(err instanceof (type as typeof OpenAI.APIError), `expected ${(type as { name: string }).name}, got ${err.constructor.name}`);
    assert.equal(err.status, status);
    assert.equal(err.code, code);
    assert.ok(err.message.length > 0);
    assert.doesNotMatch(err.message, /\bat .*\.js:\d+/, 'no stack trace');
    return err;
  }
  assert.fail('expected the request to fail');
}

test('client key problems are 401/403 in OpenAI shape, as the SDK\'s typed errors', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  await expectApiError(sdk(h.url, 'sk-wrong').chat.completions.create(hello), 401, 'invalid_api_key', OpenAI.AuthenticationError);
  await expectApiError(sdk(h.url, DISABLED_KEY).chat.completions.create(hello), 401, 'api_key_disabled', OpenAI.AuthenticationError);
  await expectApiError(sdk(h.url, LIMITED_KEY).chat.completions.create({ ...hello, model: 'gpt-5-mini' }), 403, 'model_not_allowed', OpenAI.PermissionDeniedError);
  await expectApiError(sdk(h.url, HEALTH_KEY).chat.completions.create(hello), 403, 'health_key_only', OpenAI.PermissionDeniedError);
  // No key at all, and the other two header forms.
  const none = await fetch(`${h.url}/v1/models`);
  assert.equal(none.status, 401);
  assert.deepEqual(((await none.json()) as { error: { code: string } }).error.code, 'missing_api_key');
  for (const header of ['api-key', 'x-api-key']) {
    const res = await fetch(`${h.url}/v1/models`, { headers: { [header]: CLIENT_KEY } });
    assert.equal(res.status, 200, header);
  }
  assert.equal(h.sim.requests.length, 0, 'nothing reached the upstream');
});

test('model problems: missing → 400, unknown → 404 model_not_found', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  await expectApiError(sdk(h.url).chat.completions.create({ ...hello, model: 'nope' }), 404, 'model_not_found', OpenAI.NotFoundError);
  const res = await fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ messages: [] }) });
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), { error: { message: 'You must provide a model parameter.', type: 'invalid_request_error', param: 'model', code: 'missing_model' } });
});

test('malformed JSON → 400, wrong media type → 415, body over the limit → 413, unknown path → 404', async (t) => {
  const h = await startProxyHarness({ envBodyLimit: 4096 });
  t.after(() => h.close());
  const post = (body: string, type = 'application/json') =>
    fetch(`${h.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': type }, body });
  const bad = await post('{"model": "gpt-4o-mini", ');
  assert.equal(bad.status, 400);
  const badBody = (await bad.json()) as { error: { code: string; type: string } };
  assert.equal(badBody.error.code, 'invalid_json');
  assert.equal(badBody.error.type, 'invalid_request_error');
  assert.equal((await post('[1,2]')).status, 400);
  assert.equal((await post('model=x', 'application/x-www-form-urlencoded')).status, 415);
  await expectApiError(sdk(h.url).chat.completions.create({ ...hello, messages: [{ role: 'user', content: 'x'.repeat(5000) }] }), 413, 'request_too_large');
  const unknown = await fetch(`${h.url}/v1/nothing-here`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } });
  assert.equal(unknown.status, 404);
  assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'not_found');
  assert.equal(h.sim.requests.length, 0);
});

test('upstream errors pass through with their status, body and retry headers', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  h.sim.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '7', 'retry-after-ms': '7000' } });
  const err = await expectApiError(sdk(h.url).chat.completions.create(hello), 429, '429', OpenAI.RateLimitError);
  assert.equal(err.headers?.get('retry-after'), '7');
  assert.equal(err.headers?.get('retry-after-ms'), '7000');
  assert.match(err.message, /rate limit/i);
  // During the cool-down Azure asked for, the gateway answers 429 itself without calling it.
  const cooling = await expectApiError(sdk(h.url).chat.completions.create(hello), 429, 'rate_limit_exceeded', OpenAI.RateLimitError);
  assert.ok(Number(cooling.headers?.get('retry-after')) <= 7);
  assert.equal(h.sim.requests.length, 1, 'the cooling target was not called again');
  // A 429 before the first byte of a stream is still a 429, not a 200 stream.
  h.sim.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '3' } });
  await expectApiError(sdk(h.url).chat.completions.create({ ...hello, model: 'gpt-5-mini', stream: true }), 429, '429', OpenAI.RateLimitError);
  h.sim.enqueue({ kind: 'status', status: 500 });
  const e500 = await sdk(h.url).chat.completions.create({ ...hello, model: 'embed' }).catch((e: unknown) => e);
  assert.ok(e500 instanceof OpenAI.InternalServerError);
  assert.equal(e500.status, 500);
});

test('transport failures: refused → 502, slow headers → 504, total deadline → 504, all naming the upstream', async (t) => {
  const h = await startProxyHarness({
    configure: (c) => {
      const server = c.server as Record<string, unknown>;
      server.upstream = { connectTimeoutMs: 1000, firstByteTimeoutMs: 300, idleTimeoutMs: 5000, requestTimeoutMs: 30000 };
      (c.upstreams as Array<Record<string, unknown>>).push({ name: 'dead', baseUrl: 'http://127.0.0.1:1' });
      (c.models as Array<Record<string, unknown>>).push({ id: 'dead-model', upstream: 'dead' });
    },
  });
  t.after(() => h.close());
  const refused = await expectApiError(sdk(h.url).chat.completions.create({ ...hello, model: 'dead-model' }), 502, 'upstream_unreachable');
  assert.match(refused.message, /"dead".*refused/);
  h.sim.enqueue({ kind: 'slowHeaders', delayMs: 2000 });
  const slow = await expectApiError(sdk(h.url).chat.completions.create(hello), 504, 'upstream_timeout', OpenAI.APIError);
  assert.match(slow.message, /"foundry".*firstByteTimeoutMs/);
});

test('a credential failure is a 502 naming the upstream and the cause; the proxy recovers when it works again', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  h.identity.fail('500');
  const err = await expectApiError(sdk(h.url).chat.completions.create(hello), 502, 'upstream_credential_error');
  assert.match(err.message, /"foundry"/);
  const ready = await fetch(`${h.url}/readyz`, { headers: { authorization: `Bearer ${HEALTH_KEY}` } });
  assert.equal(ready.status, 503);
  h.identity.fail('none');
  await new Promise((r) => setTimeout(r, 1100)); // past the failure back-off
  const ok = await sdk(h.url).chat.completions.create(hello);
  assert.equal(ok.object, 'chat.completion');
  const readyAgain = await fetch(`${h.url}/readyz`, { headers: { authorization: `Bearer ${HEALTH_KEY}` } });
  assert.equal(readyAgain.status, 200);
});
