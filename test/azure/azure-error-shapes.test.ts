// Errors on the Azure-shaped paths come in the shape Azure clients parse: AzureOpenAI raises its
// typed errors for a missing key (401), an unknown model in the deployment path (404) and an
// unknown path (404), and Azure's own errors pass through untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthenticationError, AzureOpenAI, BadRequestError, NotFoundError } from 'openai';
import { CLIENT_KEY, proxyHarness } from '../harness/proxy-harness.js';

const messages = [{ role: 'user' as const, content: 'x' }];

test("AzureOpenAI gets typed errors from the gateway and Azure's own errors unchanged", async (t) => {
  const h = await proxyHarness(t);
  const client = new AzureOpenAI({ endpoint: h.url, apiKey: CLIENT_KEY, apiVersion: '2024-10-21', maxRetries: 0 });

  const wrongKey = new AzureOpenAI({ endpoint: h.url, apiKey: 'not-a-key', apiVersion: '2024-10-21', maxRetries: 0 });
  const unauthorized = await wrongKey.chat.completions
    .create({ model: 'gpt-4o-mini', messages })
    .catch((e: unknown) => e);
  assert.ok(unauthorized instanceof AuthenticationError);
  assert.equal(unauthorized.code, 'invalid_api_key');

  const unknownModel = await client.chat.completions
    .create({ model: 'no-such-model', messages })
    .catch((e: unknown) => e);
  assert.ok(unknownModel instanceof NotFoundError);
  assert.equal(unknownModel.code, 'model_not_found');
  assert.equal(unknownModel.param, 'model');

  const res = await fetch(`${h.url}/openai/deployments/gpt-4o-mini/no/such/op?api-version=2024-10-21`, {
    method: 'POST',
    headers: { 'api-key': CLIENT_KEY, 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(res.status, 404);
  assert.deepEqual(((await res.json()) as { error: { code: unknown } }).error.code, 'not_found');

  // Azure's content filter refusal reaches the client as Azure sent it.
  const filtered = await client.chat.completions
    .create({ model: 'gpt-4o-mini', messages }, { headers: { 'x-sim-scenario': 'promptFilter' } })
    .catch((e: unknown) => e);
  assert.ok(filtered instanceof BadRequestError);
  assert.equal(filtered.code, 'content_filter');
  assert.equal(
    (filtered.error as { innererror?: { code?: unknown } }).innererror?.code,
    'ResponsibleAIPolicyViolation',
  );
});
