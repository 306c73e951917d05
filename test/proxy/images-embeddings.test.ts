// Image generation and embeddings go to their own Foundry routes and come back as the SDK expects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { proxyHarness } from '../harness/proxy-harness.js';

test('images and embeddings reach their own routes', async (t) => {
  const h = await proxyHarness(t);
  const client = h.sdk();
  const img = await client.images.generate({ model: 'image', prompt: 'a red square' });
  const b64 = img.data?.[0]?.b64_json;
  assert.ok(b64);
  const meta = await sharp(Buffer.from(b64, 'base64')).metadata();
  assert.equal(meta.format, 'png');
  const emb = await client.embeddings.create({ model: 'embed', input: ['one', 'two'] });
  assert.equal(emb.data.length, 2);
  assert.ok(emb.data[0]!.embedding.length > 0);
  assert.deepEqual(
    h.sim.requests.map((r) => r.path),
    ['/openai/v1/images/generations', '/openai/v1/embeddings'],
  );
});
