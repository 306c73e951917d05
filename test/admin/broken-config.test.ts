/**
 * A bad config.json plus restarts does not stop the gateway or lock the admin out: with a
 * truncated config.json, a restarted proxy serves the last good config through Caddy, a freshly
 * started admin lets the operator log in with the last good config's login, shows that config
 * (masked, with the broken file's ETag) and saves it back to repair the file. And a config that
 * validates but cannot be applied is rolled back whole by the apply, every time it is tried.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { buildAdmin } from '../../admin/app.js';
import { CaddyClient } from '../../admin/caddy/client.js';
import { ProxyClient } from '../../admin/proxy-client.js';
import { LAST_GOOD_NAME } from '../../common/config/last-good.js';
import { basic, startAdminStack } from '../harness/admin-stack.js';
import { CLIENT_KEY } from '../harness/proxy-harness.js';
import { waitUntil } from '../harness/ports.js';

test(
  'a truncated config.json: the proxy serves the last good one, and a fresh admin can log in and repair it',
  { timeout: 90_000 },
  async (t) => {
    const stack = await startAdminStack(t, { caddy: true });
    const { harness, store } = stack;
    const lastGood = path.join(harness.dataDir, LAST_GOOD_NAME);
    const good = await readFile(store.configFile, 'utf8');
    await waitUntil(
      async () => (await readFile(lastGood, 'utf8').catch(() => '')) === good,
      5_000,
      'the proxy kept the last good config',
    );
    await writeFile(store.configFile, good.slice(0, 200));

    await harness.restart();
    assert.equal(harness.runtime.source().kind, 'last-good');
    // Caddy still routes to the proxy's old port only in the harness; ask the proxy directly.
    const models = await fetch(`${harness.url}/v1/models`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } });
    assert.equal(models.status, 200, 'clients are served from the last good config');

    // A restarted admin remembers nothing: it must take the login from the last good config.
    const admin = buildAdmin({
      store,
      caddy: new CaddyClient(stack.renderEnv.adminAddress),
      proxy: new ProxyClient(harness.internalUrl),
      renderEnv: stack.renderEnv,
      logger: pino({ level: 'silent' }),
    });
    t.after(() => admin.close());
    const got = await admin.inject({ method: 'GET', url: '/admin/api/config', headers: { authorization: basic() } });
    assert.equal(got.statusCode, 200);
    assert.equal(got.headers['x-config-source'], 'last-good');
    assert.match(String(got.headers.warning), /^199 - "config\.json is not valid JSON \(/);
    const shown = got.json<{
      auth: { managedIdentityClientId: string };
      upstreams: Array<{ auth?: { apiKey?: string } }>;
    }>();
    assert.equal(shown.upstreams[1]?.auth?.apiKey, '********', 'secrets stay masked');

    const put = await admin.inject({
      method: 'PUT',
      url: '/admin/api/config',
      headers: { authorization: basic(), 'content-type': 'application/json', 'if-match': String(got.headers.etag) },
      payload: JSON.stringify(shown),
    });
    assert.equal(put.statusCode, 200, put.body);
    const repaired = JSON.parse(await readFile(store.configFile, 'utf8')) as {
      upstreams: Array<{ auth?: { apiKey?: string } }>;
    };
    assert.equal(
      repaired.upstreams[1]?.auth?.apiKey,
      (JSON.parse(good) as typeof repaired).upstreams[1]?.auth?.apiKey,
      'the masked secret took its stored value',
    );
    assert.equal(harness.runtime.source().kind, 'config', 'the proxy serves config.json again');
  },
);

test(
  'a config that validates but cannot be applied is rolled back whole, and again when re-sent',
  { timeout: 60_000 },
  async (t) => {
    const stack = await startAdminStack(t, { caddy: true });
    const got = await stack.api('GET', '/admin/api/config');
    const config = got.json<{ upstreams: Array<Record<string, unknown>>; models: Array<Record<string, unknown>> }>();
    config.upstreams.push({
      name: 'sp',
      baseUrl: 'https://127.0.0.1:9',
      auth: { mode: 'servicePrincipal', tenantId: 'not a tenant!', clientId: 'c', clientSecret: 'a-secret-value-0001' },
    });
    config.models.push({ id: 'sp-model', upstream: 'sp' });
    const before = await readFile(stack.store.configFile, 'utf8');
    for (let i = 0; i < 2; i++) {
      const etag = (await stack.api('GET', '/admin/api/config')).headers.etag;
      const put = await stack.api('PUT', '/admin/api/config', { body: config, headers: { 'if-match': String(etag) } });
      const body = put.json<{ step?: string; rolledBack?: boolean; unchanged?: boolean }>();
      assert.deepEqual(
        [put.statusCode, body.step, body.rolledBack, body.unchanged],
        [502, 'proxy_reload', true, undefined],
        `attempt ${i + 1}: ${put.body}`,
      );
      assert.equal(await readFile(stack.store.configFile, 'utf8'), before, 'config.json is as it was');
      assert.equal(stack.harness.runtime.snapshot().catalog.get('sp-model'), undefined, 'the proxy never installed it');
    }
  },
);
