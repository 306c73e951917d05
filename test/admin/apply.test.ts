/**
 * The apply transaction against a real Caddy and a real proxy (only Azure simulated): a saved
 * config changes what Caddy and the proxy serve; masked secrets keep their values; an identical
 * save is a no-op; a config Caddy rejects at /load (a missing ACME CA root file, a port already in
 * use) and a proxy that rejects its reload both leave the old config serving and the files on disk
 * byte-identical; concurrent saves from one ETag give one 200 and one 412; a hand edit is applied
 * with POST /admin/api/reload; nothing secret reaches the admin's logs.
 */
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { MASK } from '../../admin/config/secrets.js';
import { ADMIN_PASSWORD, startAdminStack, type AdminStack } from '../harness/admin-stack.js';
import { CLIENT_KEY, DISABLED_KEY, HEALTH_KEY, LIMITED_KEY, SIM_API_KEY } from '../harness/proxy-harness.js';
import { waitUntil } from '../harness/ports.js';

type Json = Record<string, unknown>;
const STEPS = ['validate', 'render', 'caddy_adapt', 'write_files', 'proxy_reload', 'caddy_load'];

async function files(stack: AdminStack): Promise<Record<string, string | null>> {
  const read = (f: string) => readFile(f, 'utf8').catch(() => null);
  const { configFile, caddyfile } = stack.store;
  return { config: await read(configFile), configBak: await read(`${configFile}.bak`), caddyfile: await read(caddyfile), caddyfileBak: await read(`${caddyfile}.bak`) };
}

async function current(stack: AdminStack): Promise<{ config: Json; etag: string }> {
  const r = await stack.api('GET', '/admin/api/config');
  assert.equal(r.statusCode, 200, r.body);
  return { config: r.json<Json>(), etag: String(r.headers.etag) };
}

async function modelIds(stack: AdminStack, servername?: string): Promise<string[]> {
  const r = await stack.viaCaddy('/v1/models', { key: CLIENT_KEY, servername });
  assert.equal(r.status, 200, r.body);
  return (JSON.parse(r.body) as { data: { id: string }[] }).data.map((m) => m.id);
}

function withModel(config: Json, id: string): Json {
  const next = structuredClone(config);
  (next.models as Json[]).push({ id, upstream: 'foundry', targetModel: `dep-${id}` });
  return next;
}

test('the apply transaction with a real Caddy and proxy', { timeout: 120_000 }, async (t) => {
  // Reload failures are injected by a stub in front of the proxy's internal listener.
  let failNextReload = false;
  let realInternal = '';
  const stub = http.createServer((req, res) => {
    if (req.url === '/internal/reload' && failNextReload) {
      failNextReload = false;
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'invalid', issues: [{ path: '/models', message: 'simulated proxy refusal' }] }));
      return;
    }
    const up = http.request(`${realInternal}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => stub.close(() => resolve())));
  const stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;

  const stack = await startAdminStack(t, {
    caddy: true,
    internalUrl: (real) => {
      realInternal = real;
      return stubUrl;
    },
  });

  await t.test('a save changes what Caddy and the proxy serve; masked secrets keep their values', async () => {
    const before = await current(stack);
    await assert.rejects(stack.viaCaddy('/v1/models', { key: CLIENT_KEY, servername: 'gw.localhost' }), /alert|certificate|socket/i, 'no site for gw.localhost yet');
    const next = withModel(before.config, 'gpt-added');
    const caddy = next.server as { caddy: Json };
    caddy.caddy.domains = ['gw.localhost'];
    const r = await stack.api('PUT', '/admin/api/config', { body: next, headers: { 'if-match': before.etag } });
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json<{ etag: string; steps: { name: string; ok: boolean; ms: number }[]; warnings: unknown[] }>();
    assert.deepEqual(body.steps.map((s) => s.name), STEPS);
    assert.ok(body.steps.every((s) => s.ok && typeof s.ms === 'number'));
    assert.equal(r.headers.etag, body.etag);
    assert.notEqual(body.etag, before.etag);

    // Caddy serves the new name (tls internal) and the proxy the new model, with the old client key.
    await waitUntil(async () => (await stack.viaCaddy('/v1/models', { key: CLIENT_KEY, servername: 'gw.localhost' })).status === 200, 10_000, 'the new site');
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
    assert.ok(stored.apiKeys.every((k) => k.key === undefined && /^sha256:[0-9a-f]{64}$/.test(String(k.keyHash))), 'plaintext keys were replaced by hashes');
    assert.ok(!disk.config?.includes(CLIENT_KEY) && !disk.config?.includes(MASK));
    assert.match(disk.caddyfile ?? '', /gw\.localhost/);
    assert.ok(disk.caddyfileBak && !disk.caddyfileBak.includes('gw.localhost'), 'the previous Caddyfile is kept as .bak');
    assert.ok(disk.configBak?.includes(CLIENT_KEY), 'the previous config.json is kept as .bak');
    assert.equal((await stat(stack.store.caddyfile)).mode & 0o777, 0o600);
  });

  await t.test('saving the config unchanged is a no-op', async () => {
    const before = await current(stack);
    const mtime = (await stat(stack.store.configFile)).mtimeMs;
    const r = await stack.api('PUT', '/admin/api/config', { body: before.config, headers: { 'if-match': before.etag } });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { unchanged: true, etag: before.etag });
    assert.equal((await stat(stack.store.configFile)).mtimeMs, mtime);
  });

  await t.test('a config Caddy rejects at /load (missing ACME CA root) is rolled back', async () => {
    const before = await current(stack);
    const disk = await files(stack);
    const next = withModel(before.config, 'gpt-rejected');
    const server = next.server as { caddy: Json };
    server.caddy.domains = ['gw.localhost', 'gw.example.test'];
    server.caddy.acme = { ca: 'https://127.0.0.1:9/dir', caRoot: '/nonexistent/gateway-test/root.pem' };
    const r = await stack.api('PUT', '/admin/api/config', { body: next, headers: { 'if-match': before.etag } });
    assert.equal(r.statusCode, 502, r.body);
    const body = r.json<{ error: Json; step: string; message: string; rolledBack: boolean; steps: { name: string; ok: boolean }[] }>();
    assert.equal(body.error.code, 'apply_failed');
    assert.equal(body.step, 'caddy_load');
    assert.match(body.message, /loading trusted root CA's PEM file: \/nonexistent\/gateway-test\/root\.pem/);
    assert.equal(body.rolledBack, true);
    assert.deepEqual(body.steps.map((s) => `${s.name}:${s.ok}`), [...STEPS.slice(0, 5).map((s) => `${s}:true`), 'caddy_load:false', 'restore_files:true', 'caddy_restore:true', 'proxy_restore:true']);
    assert.deepEqual(await files(stack), disk, 'config.json, Caddyfile and their .bak are byte-identical');
    const ids = await modelIds(stack, 'gw.localhost');
    assert.ok(ids.includes('gpt-added') && !ids.includes('gpt-rejected'), 'Caddy and the proxy serve the old config');
    assert.equal((await current(stack)).etag, before.etag);
  });

  await t.test('a port conflict at /load is rolled back and the old listeners keep serving', async (tt) => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    tt.after(() => new Promise<void>((resolve) => busy.close(() => resolve())));
    const before = await current(stack);
    const disk = await files(stack);
    const next = structuredClone(before.config);
    (next.server as { caddy: Json }).caddy.httpsPort = (busy.address() as AddressInfo).port;
    const r = await stack.api('PUT', '/admin/api/config', { body: next, headers: { 'if-match': before.etag } });
    assert.equal(r.statusCode, 502, r.body);
    const body = r.json<{ step: string; message: string; rolledBack: boolean; hint: string }>();
    assert.equal(body.step, 'caddy_load');
    assert.match(body.message, /address already in use/);
    assert.equal(body.rolledBack, true);
    assert.match(body.hint, /caddyserver\/caddy#7175/);
    assert.deepEqual(await files(stack), disk);
    assert.ok((await modelIds(stack)).includes('gpt-added'), 'the old HTTPS port still serves');
  });

  await t.test('a proxy that rejects its reload rolls the files back', async () => {
    const before = await current(stack);
    const disk = await files(stack);
    failNextReload = true;
    const r = await stack.api('PUT', '/admin/api/config', { body: withModel(before.config, 'gpt-proxy-refused'), headers: { 'if-match': before.etag } });
    assert.equal(r.statusCode, 502, r.body);
    const body = r.json<{ step: string; message: string; rolledBack: boolean; steps: { name: string; ok: boolean }[] }>();
    assert.equal(body.step, 'proxy_reload');
    assert.match(body.message, /simulated proxy refusal/);
    assert.equal(body.rolledBack, true);
    assert.deepEqual(body.steps.slice(-2).map((s) => `${s.name}:${s.ok}`), ['restore_files:true', 'proxy_restore:true']);
    assert.deepEqual(await files(stack), disk);
    assert.ok(!(await modelIds(stack)).includes('gpt-proxy-refused'));
  });

  await t.test('two concurrent saves from one ETag: one applies, the other gets 412', async () => {
    const before = await current(stack);
    const [a, b] = await Promise.all([
      stack.api('PUT', '/admin/api/config', { body: withModel(before.config, 'gpt-race-a'), headers: { 'if-match': before.etag } }),
      stack.api('PUT', '/admin/api/config', { body: withModel(before.config, 'gpt-race-b'), headers: { 'if-match': before.etag } }),
    ]);
    assert.deepEqual([a.statusCode, b.statusCode].sort(), [200, 412]);
    const loser = a.statusCode === 412 ? a : b;
    assert.equal(loser.json<{ error: Json }>().error.code, 'stale_config');
  });

  await t.test('a created key works once shown, only its hash is stored, and revoking it gives 401', async () => {
    const r = await stack.api('POST', '/admin/api/keys', { body: { id: 'ci-bot', label: 'CI' } });
    assert.equal(r.statusCode, 201, r.body);
    const created = r.json<{ id: string; key: string; etag: string; steps: unknown[] }>();
    assert.equal(created.id, 'ci-bot');
    assert.match(created.key, /^sk-gw-[A-Za-z0-9_-]{32}$/);
    assert.equal(r.headers.etag, created.etag);
    assert.equal((await stack.viaCaddy('/v1/models', { key: created.key })).status, 200);
    const disk = await readFile(stack.store.configFile, 'utf8');
    assert.ok(!disk.includes(created.key));
    assert.match(disk, /"id": "ci-bot"[\s\S]*?"keyHash": "sha256:[0-9a-f]{64}"/);
    const listed = await stack.api('GET', '/admin/api/keys');
    assert.ok(!listed.body.includes('sha256:') && listed.body.includes('ci-bot'));
    assert.equal((await stack.api('POST', '/admin/api/keys', { body: { id: 'ci-bot' } })).statusCode, 409);

    const revoked = await stack.api('POST', '/admin/api/keys/ci-bot/revoke');
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal(revoked.json<{ status: string }>().status, 'disabled');
    const denied = await stack.viaCaddy('/v1/models', { key: created.key });
    assert.equal(denied.status, 401);
    assert.equal((JSON.parse(denied.body) as { error: Json }).error.code, 'api_key_disabled');
    assert.equal((await stack.api('DELETE', '/admin/api/keys/nobody')).statusCode, 404);
    // Revoking twice changes nothing.
    assert.equal((await stack.api('DELETE', '/admin/api/keys/ci-bot')).json<{ unchanged?: boolean }>().unchanged, true);
  });

  await t.test('POST /admin/api/reload applies a config.json edited by hand', async () => {
    const text = await readFile(stack.store.configFile, 'utf8');
    await writeFile(stack.store.configFile, JSON.stringify(withModel(JSON.parse(text) as Json, 'gpt-by-hand'), null, 2));
    const r = await stack.api('POST', '/admin/api/reload', { headers: { 'content-type': 'application/json' } });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json<{ steps: { name: string }[] }>().steps.map((s) => s.name), STEPS);
    assert.ok((await modelIds(stack)).includes('gpt-by-hand'));
  });

  await t.test('no secret reaches the admin logs', async () => {
    const log = stack.logLines.join('\n');
    assert.match(log, /config applied/);
    assert.match(log, /apply failed/);
    for (const secret of [CLIENT_KEY, LIMITED_KEY, DISABLED_KEY, HEALTH_KEY, SIM_API_KEY, ADMIN_PASSWORD, 'sk-gw-']) {
      assert.ok(!log.includes(secret), `the admin log contains ${secret.slice(0, 8)}…`);
    }
  });
});
