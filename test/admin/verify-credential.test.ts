/**
 * POST /admin/api/upstreams/:name/verify: a real token from the managed-identity simulator for an
 * Entra upstream, "set" for an api-key one, and never the secret or the token in the answer or
 * the log.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startAdminStack } from '../harness/admin-stack.js';
import { SIM_API_KEY } from '../harness/proxy-harness.js';

test('verify upstream credential: a token for Entra modes, "set" for api-key, never the secret', async (t) => {
  const stack = await startAdminStack(t);
  const mi = await stack.api('POST', '/admin/api/upstreams/foundry/verify');
  assert.equal(mi.statusCode, 200, mi.body);
  const body = mi.json<{ ok: boolean; mode: string; expiresAt: string }>();
  assert.equal(body.ok, true);
  assert.equal(body.mode, 'managedIdentity');
  assert.ok(Date.parse(body.expiresAt) > Date.now());
  for (const token of stack.harness.identity.tokensIssued)
    assert.ok(!mi.body.includes(token), 'the token is never returned');
  const keyed = await stack.api('POST', '/admin/api/upstreams/keyed/verify');
  assert.equal(keyed.json<{ ok: boolean; mode: string }>().mode, 'apiKey');
  assert.ok(!keyed.body.includes(SIM_API_KEY));
  assert.equal((await stack.api('POST', '/admin/api/upstreams/nope/verify')).statusCode, 404);
  const log = stack.logLines.join('\n');
  for (const token of stack.harness.identity.tokensIssued) assert.ok(!log.includes(token));
});
