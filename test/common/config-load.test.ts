// Loading config.json: the original project's sample loads unchanged and resolves its models,
// routes and key, and the loaded snapshot is frozen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigFile } from '../../common/config/load.js';
import { ModelCatalog } from '../../proxy/targets/model-catalog.js';
import { KeyRing } from '../../proxy/access/client-auth.js';
import { SAMPLE_CONFIG as FIXTURE } from '../harness/paths.js';

test("the original project's sample config loads unchanged and resolves its models and routes", async () => {
  const { config, warnings } = await loadConfigFile(FIXTURE);
  assert.deepEqual(
    config.models.map((m) => m.id),
    ['gpt-5-mini', 'gpt-5.2-codex'],
  );
  const catalog = new ModelCatalog(config);
  const mini = catalog.get('gpt-5-mini');
  assert.ok(mini);
  const chat = catalog.resolve(mini, 'chat/completions');
  assert.ok(Array.isArray(chat));
  assert.equal(chat[0]?.path, '/openai/v1/chat/completions');
  assert.equal(chat[0]?.deployment, 'gpt-5-mini');
  assert.equal(chat[0]?.upstream.baseUrl, 'https://YOUR-RESOURCE-NAME.openai.azure.com/');
  const codex = catalog.get('gpt-5.2-codex');
  assert.ok(codex);
  // "*": "responses" moves chat to the responses route but leaves images and embeddings alone.
  const codexChat = catalog.resolve(codex, 'chat/completions');
  assert.ok(Array.isArray(codexChat));
  assert.equal(codexChat[0]?.path, '/openai/v1/responses');
  const codexImages = catalog.resolve(codex, 'images/generations');
  assert.ok(Array.isArray(codexImages));
  assert.equal(codexImages[0]?.path, '/openai/v1/images/generations');
  const codexEmbeddings = catalog.resolve(codex, 'embeddings');
  assert.ok(Array.isArray(codexEmbeddings));
  assert.equal(codexEmbeddings[0]?.path, '/openai/v1/embeddings');
  // Original settings keep their values; the ignored ones are reported, not dropped silently.
  assert.equal(config.server.upstream.requestTimeoutMs, 900000);
  assert.deepEqual(config.server.upstream.retryStatuses, [408, 409, 425, 429, 500, 502, 503, 504]);
  assert.equal(config.auth.mode, 'servicePrincipal');
  assert.deepEqual(warnings.map((w) => w.path).sort(), [
    '/server/caddy/upstreamHost',
    '/server/caddy/upstreamPort',
    '/server/host',
    '/server/port',
  ]);
  // The plaintext key of the original format authenticates.
  const ring = new KeyRing(config);
  const caller = ring.identify('CHANGEME');
  assert.equal(caller?.kind, 'client');
  assert.equal(ring.identify('CHANGEMF'), undefined);
});

test('a snapshot is frozen: a reload must build a new one', async () => {
  const { config } = await loadConfigFile(FIXTURE);
  assert.ok(Object.isFrozen(config));
  assert.ok(Object.isFrozen(config.models[0]));
  assert.throws(() => {
    (config.models as unknown as unknown[]).push({});
  }, TypeError);
});
