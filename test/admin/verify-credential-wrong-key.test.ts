/**
 * "Verify credential" with a wrong api-key: the model list is called, Azure's 401 is reported as
 * a refusal with its status, and neither the wrong key nor the right one appears in the answer.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startAdminStack } from '../harness/admin-stack.js';
import { SIM_API_KEY } from '../harness/proxy-harness.js';

const WRONG_KEY = 'not-the-simulator-key-0123456789';

test('verify credential with a wrong api-key: the upstream refused it (401), said in words', async (t) => {
  const stack = await startAdminStack(t, {
    configure: (config) => {
      const upstreams = config.upstreams as { name: string; auth?: Record<string, unknown> }[];
      const keyed = upstreams.find((u) => u.name === 'keyed');
      if (keyed) keyed.auth = { mode: 'apiKey', apiKey: WRONG_KEY };
    },
  });
  const reply = await stack.api('POST', '/admin/api/upstreams/keyed/verify');
  assert.equal(reply.statusCode, 200, reply.body);
  const body = reply.json<{ ok: boolean; checked: string; status: number; message: string }>();
  assert.deepEqual(
    { ok: body.ok, checked: body.checked, status: body.status },
    { ok: false, checked: 'modelList', status: 401 },
  );
  assert.match(
    body.message,
    /^The upstream refused the key: GET http:\/\/127\.0\.0\.1:\d+\/openai\/v1\/models answered 401: Access denied/,
  );
  assert.ok(!reply.body.includes(WRONG_KEY));
  assert.ok(!reply.body.includes(SIM_API_KEY));
});
