/**
 * A failed apply is rolled back: a config Caddy rejects at /load (a missing ACME CA root file, a
 * port already in use, whose listeners are not left behind) and a proxy that rejects its reload
 * all leave the old config serving and the files on disk byte-identical; nothing secret reaches
 * the admin's logs along the way.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { ADMIN_PASSWORD, startAdminStack } from '../harness/admin-stack.js';
import { APPLY_STEPS as STEPS, filesOnDisk as files, modelIds, withModel } from '../harness/apply-checks.js';
import { CLIENT_KEY, DISABLED_KEY, HEALTH_KEY, LIMITED_KEY, SIM_API_KEY } from '../harness/proxy-harness.js';
import { freePort, waitUntil } from '../harness/ports.js';

type Json = Record<string, unknown>;

test('a failed apply leaves the old config serving and the files as they were', { timeout: 120_000 }, async (t) => {
  // Reload failures are injected by a stub in front of the proxy's internal listener.
  let failNextReload = false;
  let realInternal = '';
  const stub = http.createServer((req, res) => {
    if (req.url === '/internal/reload' && failNextReload) {
      failNextReload = false;
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'invalid', issues: [{ path: '/models', message: 'simulated proxy refusal' }] }));
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
  // The config the failures must leave in place: a second site and a model of its own.
  const start = await stack.currentConfig();
  const applied = withModel(start.config, 'gpt-added');
  (applied.server as { caddy: Json }).caddy.domains = ['gw.localhost'];
  const saved = await stack.api('PUT', '/admin/api/config', { body: applied, headers: { 'if-match': start.etag } });
  assert.equal(saved.statusCode, 200, saved.body);
  await waitUntil(
    async () => (await stack.viaCaddy('/v1/models', { key: CLIENT_KEY, servername: 'gw.localhost' })).status === 200,
    10_000,
    'the gw.localhost site',
  );

  await t.test('a config Caddy rejects at /load (missing ACME CA root) is rolled back', async () => {
    const before = await stack.currentConfig();
    const disk = await files(stack);
    const next = withModel(before.config, 'gpt-rejected');
    const server = next.server as { caddy: Json };
    server.caddy.domains = ['gw.localhost', 'gw.example.test'];
    server.caddy.acme = { ca: 'https://127.0.0.1:9/dir', caRoot: '/nonexistent/gateway-test/root.pem' };
    const r = await stack.api('PUT', '/admin/api/config', { body: next, headers: { 'if-match': before.etag } });
    assert.equal(r.statusCode, 502, r.body);
    const body = r.json<{
      error: Json;
      step: string;
      message: string;
      rolledBack: boolean;
      steps: { name: string; ok: boolean }[];
    }>();
    assert.equal(body.error.code, 'apply_failed');
    assert.equal(body.step, 'caddy_load');
    assert.match(body.message, /loading trusted root CA's PEM file: \/nonexistent\/gateway-test\/root\.pem/);
    assert.equal(body.rolledBack, true);
    assert.deepEqual(
      body.steps.map((s) => `${s.name}:${s.ok}`),
      [
        ...STEPS.slice(0, 5).map((s) => `${s}:true`),
        'caddy_load:false',
        'restore_files:true',
        'caddy_restore:true',
        'proxy_restore:true',
      ],
    );
    assert.deepEqual(await files(stack), disk, 'config.json, Caddyfile and their .bak are byte-identical');
    const ids = await modelIds(stack, 'gw.localhost');
    assert.ok(ids.includes('gpt-added') && !ids.includes('gpt-rejected'), 'Caddy and the proxy serve the old config');
    assert.equal((await stack.currentConfig()).etag, before.etag);
  });

  await t.test(
    'a port conflict at /load is rolled back, the old listeners keep serving and the rejected ones are gone',
    async (tt) => {
      const busy = net.createServer();
      await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
      tt.after(() => new Promise<void>((resolve) => busy.close(() => resolve())));
      const before = await stack.currentConfig();
      const disk = await files(stack);
      const next = structuredClone(before.config);
      const freshHttpPort = await freePort();
      Object.assign((next.server as { caddy: Json }).caddy, {
        httpsPort: (busy.address() as AddressInfo).port,
        httpPort: freshHttpPort,
      });
      const r = await stack.api('PUT', '/admin/api/config', { body: next, headers: { 'if-match': before.etag } });
      assert.equal(r.statusCode, 502, r.body);
      const body = r.json<{ step: string; message: string; rolledBack: boolean; hint?: string }>();
      assert.equal(body.step, 'caddy_load');
      assert.match(body.message, /address already in use/);
      assert.equal(body.rolledBack, true);
      assert.equal(body.hint, undefined);
      assert.deepEqual(await files(stack), disk);
      // Caddy 2.6.2 kept the rejected config's other listeners open (caddyserver/caddy#7175); 2.11 does not.
      await assert.rejects(
        new Promise<void>((resolve, reject) =>
          net.connect(freshHttpPort, '127.0.0.1').once('connect', resolve).once('error', reject),
        ),
        /ECONNREFUSED/,
        "the rejected config's HTTP listener is not left behind",
      );
      assert.ok((await modelIds(stack)).includes('gpt-added'), 'the old HTTPS port still serves');
    },
  );

  await t.test('a proxy that rejects its reload rolls the files back', async () => {
    const before = await stack.currentConfig();
    const disk = await files(stack);
    failNextReload = true;
    const r = await stack.api('PUT', '/admin/api/config', {
      body: withModel(before.config, 'gpt-proxy-refused'),
      headers: { 'if-match': before.etag },
    });
    assert.equal(r.statusCode, 502, r.body);
    const body = r.json<{
      step: string;
      message: string;
      rolledBack: boolean;
      steps: { name: string; ok: boolean }[];
    }>();
    assert.equal(body.step, 'proxy_reload');
    assert.match(body.message, /simulated proxy refusal/);
    assert.equal(body.rolledBack, true);
    assert.deepEqual(
      body.steps.slice(-2).map((s) => `${s.name}:${s.ok}`),
      ['restore_files:true', 'proxy_restore:true'],
    );
    assert.deepEqual(await files(stack), disk);
    assert.ok(!(await modelIds(stack)).includes('gpt-proxy-refused'));
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
