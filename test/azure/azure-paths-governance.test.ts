// The Azure-shaped paths are governed exactly like /v1: the same key (sent as `api-key`), the
// same allow-list, the same per-key limits (one window shared by /v1, /openai/v1 and the
// deployment paths) and the same usage statistics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI, { AzureOpenAI, PermissionDeniedError, RateLimitError } from 'openai';
import { CLIENT_KEY, LIMITED_KEY, proxyHarness } from '../harness/proxy-harness.js';

const ask = (client: OpenAI, model = 'gpt-4o-mini') =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content: 'governed' }] });

test("Azure paths share /v1's keys, allow-lists, limits and usage", async (t) => {
  const h = await proxyHarness(t, {
    configure: (config) => {
      (config.apiKeys as Array<Record<string, unknown>>)[0]!.limits = { requestsPerMinute: 3 };
    },
  });
  const deployments = new AzureOpenAI({ endpoint: h.url, apiKey: CLIENT_KEY, apiVersion: '2024-10-21', maxRetries: 0 });
  const foundryV1 = new OpenAI({ baseURL: `${h.url}/openai/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
  const plain = h.sdk();

  const { response } = await ask(deployments).withResponse();
  assert.equal(response.headers.get('x-ratelimit-remaining-requests'), '2');
  await ask(foundryV1);
  await ask(plain);
  const refused = await ask(deployments).catch((e: unknown) => e);
  assert.ok(refused instanceof RateLimitError);
  assert.equal(refused.code, 'rate_limit_exceeded');
  assert.equal(h.sim.requests.length, 3, 'the refused call never reached Azure');

  const limited = new AzureOpenAI({ endpoint: h.url, apiKey: LIMITED_KEY, apiVersion: '2024-10-21', maxRetries: 0 });
  const denied = await ask(limited, 'gpt-5-mini').catch((e: unknown) => e);
  assert.ok(denied instanceof PermissionDeniedError);
  assert.equal(denied.code, 'model_not_allowed');

  const stats = await h.stats();
  assert.equal(stats.byKey.main?.requests, 4);
  assert.equal(stats.byKey.main?.s429, 1);
  assert.equal(stats.byKey.limited?.requests, 1);
  assert.equal(stats.byModel['gpt-4o-mini']?.requests, 4);
});
