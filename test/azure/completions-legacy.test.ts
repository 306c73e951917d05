// The legacy Completions API passes through, on /v1 and on the deployment path, JSON and
// streamed, for a model whose deployment still offers it; for a chat model Azure's own
// OperationNotSupported reaches the client unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AzureOpenAI, BadRequestError } from 'openai';
import { CLIENT_KEY, proxyHarness } from '../harness/proxy-harness.js';

test('legacy completions pass through for models that offer them, and Azure refuses the others', async (t) => {
  const h = await proxyHarness(t, {
    configure: (config) => {
      (config.models as unknown[]).push({ id: 'instruct', upstream: 'foundry', targetModel: 'gpt-35-turbo-instruct' });
    },
  });
  const json = await h.sdk().completions.create({ model: 'instruct', prompt: 'say this', max_tokens: 20 });
  assert.equal(json.choices[0]?.text, 'Echo: say this');
  assert.equal(json.object, 'text_completion');
  assert.equal(h.sim.requests.at(-1)?.path, '/openai/v1/completions');

  const azure = new AzureOpenAI({ endpoint: h.url, apiKey: CLIENT_KEY, apiVersion: '2024-10-21', maxRetries: 0 });
  const stream = await azure.completions.create({ model: 'instruct', prompt: 'stream this', stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
  assert.equal(text, 'Echo: stream this');

  const refused = await azure.completions.create({ model: 'gpt-4o-mini', prompt: 'x' }).catch((e: unknown) => e);
  assert.ok(refused instanceof BadRequestError);
  assert.equal(refused.code, 'OperationNotSupported');

  const stats = await h.stats();
  assert.equal(stats.byModel.instruct?.requests, 2);
  assert.ok((stats.byModel.instruct?.totalTokens ?? 0) > 0);
});
