// GET /v1/models: answered from the config, never from the upstream, and filtered by the key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { LIMITED_KEY, proxyHarness } from '../harness/proxy-harness.js';

test("models: listed from config with stable created and owned_by, filtered by the key's allow-list", async (t) => {
  const h = await proxyHarness(t);
  const all = await h.sdk().models.list();
  const ids = all.data.map((m) => m.id);
  assert.deepEqual(ids, ['gpt-4o-mini', 'gpt-5-mini', 'codex', 'classic', 'embed', 'image', 'no-usage']);
  const one = await h.sdk().models.retrieve('gpt-4o-mini');
  assert.equal(one.owned_by, 'foundry');
  assert.equal(one.created, all.data[0]!.created);
  const limited = await h.sdk(LIMITED_KEY).models.list();
  assert.deepEqual(
    limited.data.map((m) => m.id),
    ['gpt-4o-mini'],
  );
  await assert.rejects(h.sdk(LIMITED_KEY).models.retrieve('gpt-5-mini'), OpenAI.NotFoundError);
  assert.equal(h.sim.requests.length, 0, 'the model list never calls the upstream');
});
