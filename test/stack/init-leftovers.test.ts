/**
 * What an earlier run left in DATA_DIR is cleaned at start: temp files of writes a kill -9 cut
 * short are removed (and nothing else), and a `config.json.bak` that an earlier upgrade left with
 * clear client keys and admin password gets hashes instead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runInit } from '../../stack/init.js';
import { readRuntimeEnv } from '../../common/runtime-env.js';
import { hashClientKey } from '../../common/key-hash.js';
import { hashPassword, verifyPassword } from '../../common/password-hash.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

test('init removes orphaned temp files and scrubs clear secrets from config.json.bak', async (t) => {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'gw-leftovers-'));
  t.after(() => fs.rm(base, { recursive: true, force: true }));
  const env = {
    DATA_DIR: path.join(base, 'data'),
    RUN_DIR: path.join(base, 'run'),
    HTTPS_PORT: '18443',
    HTTP_PORT: '18080',
  };
  const data = env.DATA_DIR;
  await fs.mkdir(data, { recursive: true });
  const orphans = [
    '.config.json.4242.0a1b2c3d.tmp',
    '.Caddyfile.17.deadbeef.tmp',
    '.usage.json.9.00ff00ff.tmp',
    '.config.json.bak.4242.12345678.tmp',
  ];
  const kept = ['.hidden', 'notes.tmp', '.config.json.x.0a1b2c3d.tmp', '.usage.json.9.00ff00ff.tmp.keep'];
  for (const name of [...orphans, ...kept]) await fs.writeFile(path.join(data, name), 'partial');
  const original = {
    server: {
      healthKey: 'hk-leftovers-0123456789ab',
      adminAuth: { enabled: true, username: 'ops', password: 'a-real-password-123' },
    },
    apiKeys: [{ id: 'old', key: 'sk-old-clear-key-0001', status: 'active' }],
  };
  await fs.writeFile(path.join(data, 'config.json.bak'), JSON.stringify(original));
  // config.json itself was migrated by that earlier upgrade: init leaves it (and its backup copy) alone.
  const migrated = {
    server: {
      ...original.server,
      adminAuth: { enabled: true, username: 'ops', passwordHash: await hashPassword('a-real-password-123') },
      caddy: {},
    },
    apiKeys: [{ id: 'old', keyHash: hashClientKey('sk-old-clear-key-0001'), status: 'active' }],
  };
  await fs.writeFile(path.join(data, 'config.json'), `${JSON.stringify(migrated, null, 2)}\n`);

  const result = await runInit({
    runtime: readRuntimeEnv(env),
    skelDir: path.join(ROOT, 'data-skel'),
    env,
    dnsModules: [],
    log: quiet,
  });
  assert.deepEqual([...result.orphansRemoved].sort(), [...orphans].sort());
  assert.equal(result.configChanged, false);
  const left = await fs.readdir(data);
  for (const name of orphans) assert.ok(!left.includes(name), `${name} removed`);
  for (const name of kept) assert.ok(left.includes(name), `${name} kept`);

  const backupText = await fs.readFile(path.join(data, 'config.json.bak'), 'utf8');
  assert.ok(!backupText.includes('sk-old-clear-key-0001'), 'no clear client key in the backup');
  assert.ok(!backupText.includes('a-real-password-123'), 'no clear admin password in the backup');
  const backup = JSON.parse(backupText) as {
    apiKeys: { keyHash?: string }[];
    server: { adminAuth: { passwordHash?: string } };
  };
  assert.equal(backup.apiKeys[0]?.keyHash, hashClientKey('sk-old-clear-key-0001'));
  assert.ok(await verifyPassword('a-real-password-123', backup.server.adminAuth.passwordHash ?? ''));
});
