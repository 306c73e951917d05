import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runInit } from '../../stack/init.js';
import { CADDYFILE_MARKER } from '../../admin/caddy/caddyfile-render.js';
import { readRuntimeEnv } from '../../common/runtime-env.js';
import { loadConfigFile } from '../../common/config/load.js';
import { verifyPassword } from '../../common/password-hash.js';
import { KeyRing } from '../../proxy/access/client-auth.js';
import { ConfigInvalidError } from '../../common/config/errors.js';
import { REPO_ROOT, SAMPLE_CONFIG as FIXTURE } from '../harness/paths.js';
import { LAST_GOOD_NAME } from '../../common/config/last-good.js';

const SKEL = path.join(REPO_ROOT, 'data-skel');
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

// The original project's Caddyfile: streams flushed with -1, compressed, no health headers.
const ORIGINAL_CADDYFILE = `proxy.example.com {
  encode gzip zstd
  reverse_proxy 127.0.0.1:3000 {
    flush_interval -1
    health_uri /healthz
    health_interval 30s
  }
}
`;

async function tempDirs() {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'gw-init-'));
  const env = {
    DATA_DIR: path.join(base, 'data'),
    RUN_DIR: path.join(base, 'run'),
    HTTPS_PORT: '18443',
    HTTP_PORT: '18080',
  };
  return { base, env, runtime: readRuntimeEnv(env) };
}

function init(d: Awaited<ReturnType<typeof tempDirs>>, extraEnv: Record<string, string> = {}) {
  return runInit({ runtime: d.runtime, skelDir: SKEL, env: { ...d.env, ...extraEnv }, dnsModules: [], log: quiet });
}

test('first run: seeds the data dir, generates secrets once, stores only hashes, renders a 0600 Caddyfile', async (t) => {
  const d = await tempDirs();
  t.after(() => fs.rm(d.base, { recursive: true, force: true }));
  const first = await init(d, { DOMAIN: 'gw.example.com', ACME_EMAIL: 'ops@example.com' });
  assert.deepEqual(first.seeded, ['config.json']);
  const { adminPassword, clientKey } = first.generated;
  assert.ok(adminPassword && adminPassword.length >= 20);
  assert.ok(clientKey?.startsWith('sk-gw-'));

  const text = await fs.readFile(path.join(d.env.DATA_DIR, 'config.json'), 'utf8');
  assert.ok(!text.includes(adminPassword!), 'the admin password is not stored in clear');
  assert.ok(!text.includes(clientKey!), 'the client key is not stored in clear');
  const { config } = await loadConfigFile(path.join(d.env.DATA_DIR, 'config.json'));
  assert.ok(await verifyPassword(adminPassword!, config.server.adminAuth.passwordHash!));
  assert.equal(new KeyRing(config).identify(clientKey!)?.kind, 'client');
  assert.ok(config.server.healthKey && config.server.healthKey.length >= 16);
  assert.equal(config.server.caddy.domain, 'gw.example.com');
  assert.equal(config.server.caddy.email, 'ops@example.com');

  const firstRun = path.join(d.env.DATA_DIR, 'first-run.txt');
  const firstRunText = await fs.readFile(firstRun, 'utf8');
  assert.ok(firstRunText.includes(adminPassword!) && firstRunText.includes(clientKey!));
  assert.equal((await fs.stat(firstRun)).mode & 0o777, 0o600);
  const caddyfile = path.join(d.env.DATA_DIR, 'Caddyfile');
  assert.equal((await fs.stat(caddyfile)).mode & 0o777, 0o600);
  const rendered = await fs.readFile(caddyfile, 'utf8');
  assert.ok(rendered.startsWith(CADDYFILE_MARKER));
  assert.ok(rendered.includes(`Bearer ${config.server.healthKey}`));

  // Second start: nothing generated again, config untouched, first-run.txt not rewritten.
  const second = await init(d, { DOMAIN: 'other.example.com' });
  assert.deepEqual(second.generated, {});
  assert.equal(second.configChanged, false);
  assert.equal(await fs.readFile(path.join(d.env.DATA_DIR, 'config.json'), 'utf8'), text);
  assert.equal(await fs.readFile(firstRun, 'utf8'), firstRunText);
});

test('upgrade from the original project: keys keep working, default password replaced, old Caddyfile kept aside', async (t) => {
  const d = await tempDirs();
  t.after(() => fs.rm(d.base, { recursive: true, force: true }));
  await fs.mkdir(d.env.DATA_DIR, { recursive: true });
  await fs.copyFile(FIXTURE, path.join(d.env.DATA_DIR, 'config.json'));
  await fs.writeFile(path.join(d.env.DATA_DIR, 'Caddyfile'), ORIGINAL_CADDYFILE);
  const result = await init(d);
  assert.deepEqual(result.seeded, [], 'an existing config is never overwritten by the skeleton');
  assert.ok(result.generated.adminPassword, 'the well-known password "admin" was replaced');
  assert.equal(result.generated.clientKey, undefined, 'existing client keys are kept, no new one');
  const { config } = await loadConfigFile(path.join(d.env.DATA_DIR, 'config.json'));
  assert.equal(await verifyPassword('admin', config.server.adminAuth.passwordHash!), false);
  assert.ok(await verifyPassword(result.generated.adminPassword!, config.server.adminAuth.passwordHash!));
  assert.equal(config.apiKeys[0]?.key, undefined);
  assert.match(config.apiKeys[0]?.keyHash ?? '', /^sha256:/);
  assert.equal(new KeyRing(config).identify('CHANGEME')?.kind, 'client', 'the original client key still authenticates');
  assert.deepEqual(
    config.models.map((m) => m.id),
    ['gpt-5-mini', 'gpt-5.2-codex'],
  );
  assert.equal(config.server.caddy.domain, 'proxy.example.com');
  assert.equal(result.legacyCaddyfile, path.join(d.env.DATA_DIR, 'Caddyfile.legacy'));
  assert.equal(await fs.readFile(result.legacyCaddyfile!, 'utf8'), ORIGINAL_CADDYFILE);
  assert.equal(
    (await fs.stat(result.legacyCaddyfile!)).mode & 0o777,
    0o600,
    'the old file may hold secrets: owner only',
  );
  const rendered = await fs.readFile(path.join(d.env.DATA_DIR, 'Caddyfile'), 'utf8');
  assert.ok(rendered.includes('health_headers'));
  assert.ok(!rendered.includes('flush_interval'));
  assert.ok(!rendered.includes('encode'));
  // The original is kept as a backup, without its clear client key and well-known admin password.
  const backup = JSON.parse(await fs.readFile(path.join(d.env.DATA_DIR, 'config.json.bak'), 'utf8')) as typeof config;
  const original = JSON.parse(await fs.readFile(FIXTURE, 'utf8')) as typeof config;
  assert.equal(backup.apiKeys[0]?.key, undefined);
  assert.equal(backup.apiKeys[0]?.keyHash, config.apiKeys[0]?.keyHash);
  assert.equal(backup.server.adminAuth.password, undefined);
  assert.equal(backup.server.adminAuth.passwordHash, undefined, 'the well-known password is dropped, not hashed');
  assert.deepEqual(
    { ...backup, apiKeys: [], server: { ...backup.server, adminAuth: {} } },
    { ...original, apiKeys: [], server: { ...original.server, adminAuth: {} } },
    'everything else as it was',
  );
  assert.deepEqual({ ...backup.server.adminAuth }, { enabled: true, username: 'admin' });
});

test('SIMULATOR=1 adds the simulator upstream and demo models once; without it nothing is added', async (t) => {
  const d = await tempDirs();
  t.after(() => fs.rm(d.base, { recursive: true, force: true }));
  await init(d);
  let { config } = await loadConfigFile(path.join(d.env.DATA_DIR, 'config.json'));
  assert.equal(config.upstreams.length, 0);
  await init(d, { SIMULATOR: '1', SIM_PORT: '4555' });
  await init(d, { SIMULATOR: '1', SIM_PORT: '4555' });
  ({ config } = await loadConfigFile(path.join(d.env.DATA_DIR, 'config.json')));
  assert.deepEqual(
    config.upstreams.map((u) => [u.name, u.baseUrl]),
    [['simulator', 'http://127.0.0.1:4555']],
  );
  assert.deepEqual(
    config.models.map((m) => m.id),
    ['gpt-4o-mini', 'gpt-5-mini', 'text-embedding-3-small', 'gpt-image-1'],
  );
});

test('an invalid config stops init with every problem, and nothing is written', async (t) => {
  const d = await tempDirs();
  t.after(() => fs.rm(d.base, { recursive: true, force: true }));
  await fs.mkdir(d.env.DATA_DIR, { recursive: true });
  const bad = JSON.stringify({ models: [{ id: 'm', upstream: 'nowhere' }], server: { upstream: { maxRetries: 99 } } });
  await fs.writeFile(path.join(d.env.DATA_DIR, 'config.json'), bad);
  await assert.rejects(init(d), (err: unknown) => {
    assert.ok(err instanceof ConfigInvalidError);
    assert.deepEqual(err.issues, [{ path: '/server/upstream/maxRetries', message: 'must be <= 10' }]);
    return true;
  });
  assert.equal(await fs.readFile(path.join(d.env.DATA_DIR, 'config.json'), 'utf8'), bad);
  await assert.rejects(fs.access(path.join(d.env.DATA_DIR, 'Caddyfile')));
  await assert.rejects(fs.access(path.join(d.env.DATA_DIR, 'first-run.txt')));
});

test('a broken config.json with a last good one: init renders from the last good and leaves config.json for repair', async (t) => {
  const d = await tempDirs();
  t.after(() => fs.rm(d.base, { recursive: true, force: true }));
  await init(d);
  const configFile = path.join(d.env.DATA_DIR, 'config.json');
  const good = await fs.readFile(configFile, 'utf8');
  // What the proxy keeps after applying a config.
  await fs.writeFile(path.join(d.env.DATA_DIR, LAST_GOOD_NAME), good);
  const caddyfileBefore = await fs.readFile(path.join(d.env.DATA_DIR, 'Caddyfile'), 'utf8');
  const truncated = good.slice(0, 100);
  await fs.writeFile(configFile, truncated);
  await fs.rm(path.join(d.env.DATA_DIR, 'Caddyfile'));
  const errors: string[] = [];
  const result = await runInit({
    runtime: d.runtime,
    skelDir: SKEL,
    env: d.env,
    dnsModules: [],
    log: { ...quiet, error: (_o: object, msg: string) => errors.push(msg) },
  });
  assert.equal(result.brokenConfig?.[0]?.path, '');
  assert.match(result.brokenConfig?.[0]?.message ?? '', /^is not valid JSON/);
  assert.equal(await fs.readFile(configFile, 'utf8'), truncated, 'config.json is left for the admin to repair');
  assert.equal(
    await fs.readFile(path.join(d.env.DATA_DIR, 'Caddyfile'), 'utf8'),
    caddyfileBefore,
    'the Caddyfile comes from the last good config',
  );
  assert.deepEqual(errors, [
    'config.json cannot be used: STARTING FROM THE LAST GOOD CONFIG; config.json is left as it is for the admin to repair',
  ]);
});
