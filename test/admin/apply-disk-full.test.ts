/**
 * A save on a full disk reports what really happened: the first write fails before anything is
 * replaced, so the rollback finds nothing to restore and the answer says `rolledBack: true` (the
 * old config never stopped serving); the files and their backups are byte-identical and no temp
 * file is left. DATA_DIR is a small tmpfs, filled up, so ENOSPC comes from the kernel; Caddy (for
 * the dry run) is real.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import pino from 'pino';
import { validateConfig } from '../../common/config/validate.js';
import { Applier } from '../../admin/apply/transaction.js';
import { CaddyClient } from '../../admin/caddy/client.js';
import { renderCaddyfile, type CaddyRenderEnv } from '../../admin/caddy/caddyfile-render.js';
import { ConfigStore } from '../../admin/config/store.js';
import { ProxyClient } from '../../admin/proxy-client.js';
import { caddyPorts, startCaddy, type CaddyProcess } from '../harness/caddy-process.js';

const run = promisify(execFile);

/** Fills `dir`'s filesystem until a write fails with ENOSPC. */
async function fill(dir: string): Promise<void> {
  const handle = await open(path.join(dir, 'filler'), 'w');
  try {
    const chunk = Buffer.alloc(64 * 1024, 0x5a);
    for (let i = 0; i < 100_000; i++) {
      const { bytesWritten } = await handle.write(chunk).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOSPC') return { bytesWritten: 0 };
        throw err;
      });
      if (bytesWritten < chunk.length) break;
    }
  } finally {
    await handle.close();
  }
}

test(
  'a save on a full disk changes nothing and says so: rolledBack true, nothing to restore',
  { timeout: 60_000 },
  async (t) => {
    const base = await mkdtemp(path.join(tmpdir(), 'gw-disk-full-'));
    const dataDir = path.join(base, 'data');
    await mkdir(dataDir);
    const running: { caddy?: CaddyProcess } = {};
    // Caddy first: running, it writes into `base` (its storage) while the folder is removed, and
    // a failed removal would leave it running and the test process waiting for it.
    t.after(async () => {
      await running.caddy?.stop();
      await run('umount', [dataDir]).catch(() => undefined);
      await rm(base, { recursive: true, force: true, maxRetries: 5 });
    });
    await run('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0755', 'gw-disk-full', dataDir]);

    const ports = await caddyPorts();
    const renderEnv: CaddyRenderEnv = {
      adminAddress: `localhost:${ports.adminPort}`,
      storageRoot: path.join(base, 'storage'),
      logFile: path.join(base, 'caddy.log'),
      proxyPort: 1,
      adminPort: 2,
      httpsPort: ports.httpsPort,
      httpPort: ports.httpPort,
      bindAddress: '127.0.0.1',
      dnsModules: [],
    };
    const raw = { server: { healthKey: 'hk-disk-full-0123456789ab', caddy: { domain: 'localhost' } }, models: [] };
    const v = validateConfig(raw);
    assert.ok(v.ok);
    const store = new ConfigStore(dataDir);
    const before = {
      'config.json': `${JSON.stringify(raw, null, 2)}\n`,
      'config.json.bak': '{"previous":true}\n',
      Caddyfile: renderCaddyfile(v.config, renderEnv),
      'Caddyfile.bak': '# previous\n',
    };
    for (const [name, text] of Object.entries(before)) await writeFile(path.join(dataDir, name), text, { mode: 0o600 });
    running.caddy = await startCaddy(t, { configFile: store.caddyfile, dir: base, adminPort: ports.adminPort });
    await fill(dataDir);

    const next = validateConfig({ ...raw, server: { ...raw.server, bodyLimitBytes: 2_000_000 } });
    assert.ok(next.ok);
    const applier = new Applier({
      store,
      caddy: new CaddyClient(renderEnv.adminAddress),
      proxy: new ProxyClient('http://127.0.0.1:1'),
      renderEnv,
      log: pino({ level: 'silent' }),
    });
    const failure = await applier
      .commit({ config: next.config, configText: `${JSON.stringify(next.config, null, 2)}\n`, steps: [] })
      .then(
        () => assert.fail('the save cannot succeed on a full disk'),
        (
          err: Error & {
            body?: {
              step?: string;
              rolledBack?: boolean;
              message?: string;
              steps?: { name: string; ok: boolean; detail?: string }[];
            };
          },
        ) => err.body,
      );
    assert.equal(failure?.step, 'write_files');
    assert.match(failure?.message ?? '', /ENOSPC/);
    assert.equal(failure?.rolledBack, true, 'nothing was replaced, so nothing is out of place');
    assert.deepEqual(
      failure?.steps?.map((s) => `${s.name}:${s.ok}`),
      ['render:true', 'caddy_adapt:true', 'write_files:false', 'restore_files:true'],
    );
    assert.equal(failure?.steps?.at(-1)?.detail, 'no file had been replaced: nothing to restore');

    for (const [name, text] of Object.entries(before))
      assert.equal(await readFile(path.join(dataDir, name), 'utf8'), text, `${name} unchanged`);
    assert.deepEqual(
      (await readdir(dataDir)).sort(),
      ['Caddyfile', 'Caddyfile.bak', 'config.json', 'config.json.bak', 'filler'],
      'no temp file left behind',
    );
  },
);
