// A missing, wrong, disabled or under-privileged client key is a 401 or 403 in OpenAI's shape,
// raised by the SDK as its typed errors, and nothing reaches the upstream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { expectApiError } from '../harness/api-error.js';
import { CLIENT_KEY, DISABLED_KEY, HEALTH_KEY, HELLO, LIMITED_KEY, proxyHarness } from '../harness/proxy-harness.js';

test("client key problems are 401/403 in OpenAI shape, as the SDK's typed errors", async (t) => {
  const h = await proxyHarness(t);
  await expectApiError(
    h.sdk('sk-wrong').chat.completions.create(HELLO),
    401,
    'invalid_api_key',
    OpenAI.AuthenticationError,
  );
  await expectApiError(
    h.sdk(DISABLED_KEY).chat.completions.create(HELLO),
    401,
    'api_key_disabled',
    OpenAI.AuthenticationError,
  );
  await expectApiError(
    h.sdk(LIMITED_KEY).chat.completions.create({ ...HELLO, model: 'gpt-5-mini' }),
    403,
    'model_not_allowed',
    OpenAI.PermissionDeniedError,
  );
  await expectApiError(
    h.sdk(HEALTH_KEY).chat.completions.create(HELLO),
    403,
    'health_key_only',
    OpenAI.PermissionDeniedError,
  );
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
