// Image edits and variations (multipart) through the deployment path: the images stream to the
// model's deployment, the deployment name replaces the form's `model`, and Azure's image answer
// (with its usage) comes back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AzureOpenAI, toFile } from 'openai';
import { SIM_PNG } from '../../simulator/foundry/images.js';
import type { SimForm } from '../../simulator/foundry/multipart.js';
import { CLIENT_KEY, proxyHarness } from '../harness/proxy-harness.js';

test("image edits and variations stream their images to the deployment and return Azure's answer", async (t) => {
  const h = await proxyHarness(t);
  const client = new AzureOpenAI({
    endpoint: h.url,
    apiKey: CLIENT_KEY,
    apiVersion: '2025-04-01-preview',
    maxRetries: 0,
  });

  const edit = await client.images.edit({
    model: 'image',
    image: await toFile(SIM_PNG, 'in.png', { type: 'image/png' }),
    prompt: 'make it blue',
  });
  assert.equal(edit.data?.[0]?.b64_json, SIM_PNG.toString('base64'));
  let seen = h.sim.requests.at(-1);
  assert.equal(seen?.path, '/openai/v1/images/edits');
  assert.deepEqual((seen?.body as SimForm).fields, { model: 'dep-image', prompt: 'make it blue' });
  assert.deepEqual(
    (seen?.body as SimForm).files.map((f) => [f.field, f.filename, f.size]),
    [['image', 'in.png', SIM_PNG.length]],
  );

  // The SDK sends variations to /openai/images/variations with the model in the form.
  const variation = await client.images.createVariation({
    model: 'image',
    image: await toFile(SIM_PNG, 'in.png', { type: 'image/png' }),
  });
  assert.equal(variation.data?.length, 1);
  seen = h.sim.requests.at(-1);
  assert.equal(seen?.path, '/openai/v1/images/variations');
  assert.equal((seen?.body as SimForm).fields.model, 'dep-image');

  const stats = await h.stats();
  assert.equal(stats.byModel.image?.requests, 2);
  assert.ok((stats.byModel.image?.totalTokens ?? 0) > 0);
});
