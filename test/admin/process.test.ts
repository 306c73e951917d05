/**
 * admin/main.ts as supervisord runs it: reads DATA_DIR/ADMIN_PORT/CADDY_ADMIN from the
 * environment, listens on 127.0.0.1:ADMIN_PORT, answers the API with the configured login, warns
 * about nothing secret, and exits 0 on SIGTERM.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { hashPassword } from '../../common/password-hash.js';
import { basic } from '../harness/admin-stack.js';
import { startService } from '../harness/child.js';
import { freePorts, waitUntil } from '../harness/ports.js';
const PASSWORD = 'process-test-password-42';

test('the admin process serves its API on ADMIN_PORT and stops on SIGTERM', { timeout: 30_000 }, async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'gw-admin-proc-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  await writeFile(
    path.join(dataDir, 'config.json'),
    JSON.stringify({ server: { adminAuth: { username: 'ops', passwordHash: await hashPassword(PASSWORD) } } }),
  );
  const [adminPort, caddyAdmin] = (await freePorts(2)) as [number, number];
  const admin = startService({
    name: 'admin',
    main: 'admin/main.js',
    env: {
      PATH: process.env.PATH,
      DATA_DIR: dataDir,
      RUN_DIR: path.join(dataDir, 'run'),
      ADMIN_PORT: String(adminPort),
      CADDY_ADMIN: `localhost:${caddyAdmin}`,
      HTTPS_PORT: '18443',
      HTTP_PORT: '18080',
    },
    logFile: path.join(dataDir, 'admin.out'),
  });
  t.after(() => admin.proc.kill('SIGKILL'));

  const url = `http://127.0.0.1:${adminPort}/admin/api/caddy/status`;
  await waitUntil(async () => (await fetch(url)).status === 401, 15_000, `the admin on port ${adminPort}`);
  const r = await fetch(url, { headers: { authorization: basic('ops', PASSWORD) } });
  assert.equal(r.status, 200);
  const status = (await r.json()) as { adminApi: { address: string; reachable: boolean } };
  assert.deepEqual(
    { address: status.adminApi.address, reachable: status.adminApi.reachable },
    { address: `localhost:${caddyAdmin}`, reachable: false },
  );

  admin.proc.kill('SIGTERM');
  const code = await admin.exit;
  const out = await admin.output();
  assert.equal(code, 0, out);
  assert.match(out, /"msg":"admin listening"/);
  assert.ok(!out.includes(PASSWORD));
});
