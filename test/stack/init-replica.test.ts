// A replica's init (GATEWAY_ROLE=replica) writes nothing to the shared DATA_DIR: it waits for the
// admin's config.json and renders its own Caddyfile, without an /admin route, into RUN_DIR.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import pino from 'pino';
import { readRuntimeEnv } from '../../common/runtime-env.js';
import { runReplicaInit } from '../../stack/init-replica.js';
import { HEALTH_KEY } from '../harness/proxy-harness.js';

test('replica init waits for config.json, renders RUN_DIR/Caddyfile without /admin, and leaves DATA_DIR alone', async (t) => {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'gw-replica-init-'));
  t.after(() => fs.rm(base, { recursive: true, force: true }));
  const dataDir = path.join(base, 'data');
  await fs.mkdir(dataDir);
  const env = { DATA_DIR: dataDir, RUN_DIR: path.join(base, 'run'), HTTPS_PORT: '8443', HTTP_PORT: '8080' };
  const init = runReplicaInit({ runtime: readRuntimeEnv(env), env, dnsModules: [], log: pino({ level: 'silent' }) });
  // The admin writes config.json a moment later, as on a fresh share.
  await new Promise((r) => setTimeout(r, 300));
  const config = {
    server: {
      healthKey: HEALTH_KEY,
      adminAuth: { enabled: true, username: 'ops', password: 'x'.repeat(16) },
      caddy: { domain: 'gw.example.com' },
    },
  };
  await fs.writeFile(path.join(dataDir, 'config.json'), JSON.stringify(config));
  const caddyfile = await init;
  assert.equal(caddyfile, path.join(base, 'run', 'Caddyfile'));
  const text = await fs.readFile(caddyfile, 'utf8');
  assert.match(text, /gw\.example\.com/);
  assert.doesNotMatch(text, /\/admin/);
  assert.deepEqual(await fs.readdir(dataDir), ['config.json']);
});
