import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { loadConfigFile, parseConfigText } from '../../common/config/load.js';
import { ConfigInvalidError } from '../../common/config/errors.js';
import { ModelCatalog } from '../../proxy/targets/model-catalog.js';
import { KeyRing } from '../../proxy/access/client-auth.js';
import { hashClientKey } from '../../common/key-hash.js';

const FIXTURE = path.resolve(import.meta.dirname, '../../../test/fixtures/seed-sample-config.json');

function issuesOf(text: string) {
  try {
    parseConfigText(text);
  } catch (err) {
    assert.ok(err instanceof ConfigInvalidError);
    return err.issues;
  }
  assert.fail('expected the config to be rejected');
}

test('the original project\'s sample config loads unchanged and resolves its models and routes', async () => {
  const { config, warnings } = await loadConfigFile(FIXTURE);
  assert.deepEqual(config.models.map((m) => m.id), ['gpt-5-mini', 'gpt-5.2-codex']);
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
  assert.deepEqual(warnings.map((w) => w.path).sort(), ['/server/caddy/upstreamHost', '/server/caddy/upstreamPort', '/server/host', '/server/port']);
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

test('invalid config reports every problem as {path, message} with JSON pointers', () => {
  const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown> & { server: Record<string, unknown> };
  fixture.server.upstream = { connectTimeoutMs: 'fast' };
  fixture.bogus = true;
  const issues = issuesOf(JSON.stringify(fixture));
  assert.deepEqual(issues, [
    { path: '/bogus', message: 'is not a known setting' },
    { path: '/server/upstream/connectTimeoutMs', message: 'must be integer' },
  ]);
});

test('references between sections are checked', () => {
  const issues = issuesOf(
    JSON.stringify({
      apiKeys: [{ id: 'a' }, { id: 'a', key: 'k', models: ['nope'] }],
      upstreams: [{ name: 'u', baseUrl: 'https://x.example/' }],
      models: [{ id: 'm', upstream: 'missing' }, { id: 'n' }, { id: 'm', upstream: 'u' }],
    }),
  );
  assert.deepEqual(issues, [
    { path: '/models/2', message: 'duplicate model id "m"' },
    { path: '/apiKeys/1', message: 'duplicate key id "a"' },
    { path: '/models/0/upstream', message: 'no upstream named "missing"' },
    { path: '/models/1/upstream', message: 'is required (or give targets)' },
    { path: '/apiKeys/0', message: 'needs key or keyHash' },
    { path: '/apiKeys/1/models/0', message: 'no model with id "nope"' },
  ]);
});

test('malformed JSON is one clear issue, not a stack trace', () => {
  const issues = issuesOf('{"server": ');
  assert.deepEqual(issues, [{ path: '', message: 'is not valid JSON (it ends too early)' }]);
  // The error never quotes the file: a secret next to the mistake must not reach a log.
  const leaky = issuesOf('{"apiKeys": [{"id": "a", "key": "TOPSECRET-123"},]}');
  assert.equal(leaky.length, 1);
  assert.ok(!leaky[0]!.message.includes('TOPSECRET'), leaky[0]!.message);
});

test('hashed keys authenticate and the health key is recognised separately', () => {
  const { config } = parseConfigText(
    JSON.stringify({
      server: { healthKey: 'health-key-0123456789' },
      apiKeys: [{ id: 'hashed', keyHash: hashClientKey('s3cret-key') }],
    }),
  );
  const ring = new KeyRing(config, ['previous-health-key-000']);
  const hit = ring.identify('s3cret-key');
  assert.equal(hit?.kind === 'client' ? hit.entry.id : undefined, 'hashed');
  assert.deepEqual(ring.identify('health-key-0123456789'), { kind: 'health' });
  assert.deepEqual(ring.identify('previous-health-key-000'), { kind: 'health' });
  assert.equal(ring.identify('s3cret-kez'), undefined);
});

test('explicit route paths fill in {deployment} and classic deployment paths work', () => {
  const { config } = parseConfigText(
    JSON.stringify({
      upstreams: [{ name: 'u', baseUrl: 'https://x.example', routes: { responses: '/custom/responses' } }],
      models: [
        { id: 'a', upstream: 'u', targetModel: 'dep a', routes: { 'chat/completions': '/openai/deployments/{deployment}/chat/completions?api-version=2024-10-21' } },
        { id: 'b', upstream: 'u', routes: { '*': 'responses' } },
      ],
    }),
  );
  const catalog = new ModelCatalog(config);
  const a = catalog.resolve(catalog.get('a')!, 'chat/completions');
  assert.ok(Array.isArray(a));
  assert.equal(a[0]?.path, '/openai/deployments/dep%20a/chat/completions?api-version=2024-10-21');
  const b = catalog.resolve(catalog.get('b')!, 'chat/completions');
  assert.ok(Array.isArray(b));
  assert.equal(b[0]?.path, '/custom/responses');
  assert.equal(b[0]?.deployment, 'b');
});
