// How a client's api-version reaches Azure (docs/azure-front.md, "api-version"): an old and a new
// version from AzureOpenAI both work; a Foundry v1 route sends none, a route that pins one sends
// its own, and a classic route that pins none passes the client's through. A malformed version
// is a 400 naming the parameter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AzureOpenAI, BadRequestError } from 'openai';
import { CLIENT_KEY, proxyHarness } from '../harness/proxy-harness.js';

const VERSIONS = ['2023-05-15', '2025-04-01-preview'];

test("api-version: accepted old and new, never sent to v1, pinned routes keep theirs, open classic routes get the client's", async (t) => {
  const h = await proxyHarness(t, {
    configure: (config) => {
      (config.models as unknown[]).push({
        id: 'classic-open',
        upstream: 'foundry',
        targetModel: 'dep-open',
        routes: { 'chat/completions': '/openai/deployments/{deployment}/chat/completions' },
      });
    },
  });
  const upstreamVersions: Record<string, Array<string | null>> = {};
  for (const apiVersion of VERSIONS) {
    const client = new AzureOpenAI({ endpoint: h.url, apiKey: CLIENT_KEY, apiVersion, maxRetries: 0 });
    for (const model of ['gpt-4o-mini', 'classic', 'classic-open']) {
      const answer = await client.chat.completions.create({
        model,
        messages: [{ role: 'user', content: `${model} at ${apiVersion}` }],
      });
      assert.equal(answer.choices[0]?.message.content, `Echo: ${model} at ${apiVersion}`);
      const seen = h.sim.requests.at(-1)?.path ?? '';
      (upstreamVersions[model] ??= []).push(new URL(seen, 'http://sim.invalid').searchParams.get('api-version'));
    }
  }
  assert.deepEqual(upstreamVersions, {
    'gpt-4o-mini': [null, null],
    classic: ['2024-10-21', '2024-10-21'],
    'classic-open': VERSIONS,
  });

  const bad = new AzureOpenAI({ endpoint: h.url, apiKey: CLIENT_KEY, apiVersion: 'v1 evil', maxRetries: 0 });
  const err = await bad.chat.completions
    .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })
    .catch((e: unknown) => e);
  assert.ok(err instanceof BadRequestError);
  assert.equal(err.code, 'invalid_api_version');
  assert.equal(err.param, 'api-version');
});
