/**
 * A config saved through the admin API is applied to a real Caddy and a real proxy (only Azure
 * simulated): both serve the change at once, masked secrets keep their values, the files are
 * written with backups; saving it unchanged is a no-op; two saves from one ETag give one 200 and
 * one 412.
 */
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { test } from 'node:test';
import { MASK } from '../../admin/config/secrets.js';
import { startAdminStack } from '../harness/admin-stack.js';
import { APPLY_STEPS as STEPS, filesOnDisk as files, modelIds, withModel } from '../harness/apply-checks.js';
import { CLIENT_KEY, HEALTH_KEY, SIM_API_KEY } from '../harness/proxy-harness.js';
import { waitUntil } from '../harness/ports.js';

type Json = Record<string, unknown>;

test('saving a config applies it to a real Caddy and proxy', { timeout: 120_000 }, async (t) => {
  const stack = await startAdminStack(t, { caddy: true });

  await t.test('a save changes what Caddy and the proxy serve; masked secrets keep their values', async () => {
    const before = await stack.currentConfig();
    await assert.rejects(
      stack.viaCaddy('/v1/models', { key: CLIENT_KEY, servername: 'gw.localhost' }),
      /alert|certificate|socket/i,
      'no site for gw.localhost yet',
    );
    const next = withModel(before.config, 'gpt-added');
    const caddy = next.server as { caddy: Json };
    caddy.caddy.domains = ['gw.localhost'];
    const r = await stack.api('PUT', '/admin/api/config', { body: next, headers: { 'if-match': before.etag } });
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json<{ etag: string; steps: { name: string; ok: boolean; ms: number }[]; warnings: unknown[] }>();
    assert.deepEqual(
      body.steps.map((s) => s.name),
      STEPS,
    );
    assert.ok(body.steps.every((s) => s.ok && typeof s.ms === 'number'));
    assert.equal(r.headers.etag, body.etag);
    assert.notEqual(body.etag, before.etag);

    // Caddy serves the new name (tls internal) and the proxy the new model, with the old client key.
    await waitUntil(
      async () => (await stack.viaCaddy('/v1/models', { key: CLIENT_KEY, servername: 'gw.localhost' })).status === 200,
      10_000,
      'the new site',
    );
    assert.ok((await modelIds(stack, 'gw.localhost')).includes('gpt-added'));
    assert.ok((await modelIds(stack)).includes('gpt-added'));
    // The api-key upstream still authenticates with its (masked, kept) key.
    const chat = await stack.viaCaddy('/v1/chat/completions', {
      key: CLIENT_KEY,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(chat.status, 200, chat.body);

    const disk = await files(stack);
    const stored = JSON.parse(disk.config ?? '') as { apiKeys: Json[]; server: Json; upstreams: Json[] };
    assert.equal(stored.server.healthKey, HEALTH_KEY);
    assert.equal((stored.upstreams[1]?.auth as Json).apiKey, SIM_API_KEY);
    assert.ok(
      stored.apiKeys.every((k) => k.key === undefined && /^sha256:[0-9a-f]{64}$/.test(String(k.keyHash))),
      'plaintext keys were replaced by hashes',
    );
    assert.ok(!disk.config?.includes(CLIENT_KEY) && !disk.config?.includes(MASK));
    assert.match(disk.caddyfile ?? '', /gw\.localhost/);
    assert.ok(
      disk.caddyfileBak && !disk.caddyfileBak.includes('gw.localhost'),
      'the previous Caddyfile is kept as .bak',
    );
    assert.ok(disk.configBak?.includes(CLIENT_KEY), 'the previous config.json is kept as .bak');
    assert.equal((await stat(stack.store.caddyfile)).mode & 0o777, 0o600);
  });

  await t.test('saving the config unchanged is a no-op', async () => {
    const before = await stack.currentConfig();
    const mtime = (await stat(stack.store.configFile)).mtimeMs;
    const r = await stack.api('PUT', '/admin/api/config', {
      body: before.config,
      headers: { 'if-match': before.etag },
    });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { unchanged: true, etag: before.etag });
    assert.equal((await stat(stack.store.configFile)).mtimeMs, mtime);
  });

  await t.test('two concurrent saves from one ETag: one applies, the other gets 412', async () => {
    const before = await stack.currentConfig();
    const [a, b] = await Promise.all([
      stack.api('PUT', '/admin/api/config', {
        body: withModel(before.config, 'gpt-race-a'),
        headers: { 'if-match': before.etag },
      }),
      stack.api('PUT', '/admin/api/config', {
        body: withModel(before.config, 'gpt-race-b'),
        headers: { 'if-match': before.etag },
      }),
    ]);
    assert.deepEqual([a.statusCode, b.statusCode].sort(), [200, 412]);
    const loser = a.statusCode === 412 ? a : b;
    assert.equal(loser.json<{ error: Json }>().error.code, 'stale_config');
  });
});
