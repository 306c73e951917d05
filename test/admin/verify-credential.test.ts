/**
 * POST /admin/api/upstreams/:name/verify: a real token from the managed-identity simulator for an
 * Entra upstream; for an api-key upstream the simulator's model list is called with the key and
 * its answer reported; never the secret or the token in the answer or the log.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startAdminStack } from '../harness/admin-stack.js';
import { SIM_API_KEY } from '../harness/proxy-harness.js';

test('verify upstream credential: a token for Entra modes, the model list for api-key, never the secret', async (t) => {
  const stack = await startAdminStack(t);
  const mi = await stack.api('POST', '/admin/api/upstreams/foundry/verify');
  assert.equal(mi.statusCode, 200, mi.body);
  const body = mi.json<{ ok: boolean; mode: string; checked: string; expiresAt: string }>();
  assert.equal(body.ok, true);
  assert.equal(body.mode, 'managedIdentity');
  assert.equal(body.checked, 'token');
  assert.ok(Date.parse(body.expiresAt) > Date.now());
  for (const token of stack.harness.identity.tokensIssued)
    assert.ok(!mi.body.includes(token), 'the token is never returned');
  const keyed = await stack.api('POST', '/admin/api/upstreams/keyed/verify');
  const keyedBody = keyed.json<{ ok: boolean; mode: string; checked: string; status: number; message: string }>();
  assert.deepEqual(
    { ok: keyedBody.ok, mode: keyedBody.mode, checked: keyedBody.checked, status: keyedBody.status },
    { ok: true, mode: 'apiKey', checked: 'modelList', status: 200 },
  );
  const listCalls = stack.harness.sim.requests.filter((r) => r.method === 'GET' && r.path === '/openai/v1/models');
  assert.equal(listCalls.length, 1, 'the key was really tried against the upstream');
  assert.equal(listCalls[0]?.headers['api-key'], SIM_API_KEY);
  assert.ok(!keyed.body.includes(SIM_API_KEY));
  assert.equal((await stack.api('POST', '/admin/api/upstreams/nope/verify')).statusCode, 404);
  const log = stack.logLines.join('\n');
  for (const token of stack.harness.identity.tokensIssued) assert.ok(!log.includes(token));
});
