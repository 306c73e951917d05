// Two replicas' Caddys share one certificate storage (DATA_DIR/caddy on the Azure Files share):
// started one right after the other for the same domain, they coordinate through the storage's locks, so pebble
// sees one ACME order and both serve the same certificate (docs/shared-state.md, "Certificates").
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import { renderCaddyfile } from '../../admin/caddy/caddyfile-render.js';
import { validateConfig } from '../../common/config/validate.js';
import { caddyPorts, launchCaddy } from '../harness/caddy-process.js';
import { servedFingerprint } from '../harness/loopback-tls.js';
import { startPebble } from '../harness/pebble.js';
import { freePorts, waitUntil } from '../harness/ports.js';
import { HEALTH_KEY } from '../harness/proxy-harness.js';

test('two Caddys sharing certificate storage place one ACME order and serve the same certificate', async (t) => {
  const pebble = await startPebble(t);
  const root = await pebble.issuingRoot();
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'gw-shared-acme-'));
  t.after(() => fs.rm(base, { recursive: true, force: true }));
  const valid = validateConfig({
    server: {
      healthKey: HEALTH_KEY,
      caddy: { domain: 'proxy.test', acme: { ca: pebble.directoryUrl, caRoot: pebble.tlsCaFile } },
    },
  });
  assert.ok(valid.ok);
  const storageRoot = path.join(base, 'shared-caddy-storage');
  const [proxyPort, adminPort] = (await freePorts(2)) as [number, number];
  const replicas = await Promise.all(
    [0, 1].map(async (i) => {
      const dir = path.join(base, `run-${i}`);
      await fs.mkdir(dir);
      const ports = await caddyPorts();
      const file = path.join(dir, 'Caddyfile');
      const env = {
        adminAddress: `localhost:${ports.adminPort}`,
        storageRoot,
        logFile: path.join(dir, 'caddy.log'),
        proxyPort,
        adminPort,
        httpsPort: ports.httpsPort,
        httpPort: ports.httpPort,
        bindAddress: '127.0.0.1',
        dnsModules: [],
        withAdmin: false,
      };
      await fs.writeFile(file, renderCaddyfile(valid.config, env), { mode: 0o600 });
      return { dir, file, ports };
    }),
  );
  // One after the other, as fast as they start: the first creates the local CA in the storage
  // (two at once can race on it), and its ACME order is still running when the second asks.
  for (const r of replicas) {
    const caddy = await launchCaddy({ configFile: r.file, dir: r.dir, adminPort: r.ports.adminPort });
    t.after(() => caddy.stop());
  }
  const served: string[] = [];
  for (const [i, r] of replicas.entries()) {
    await waitUntil(
      async () => {
        served[i] = await servedFingerprint(r.ports.httpsPort, 'proxy.test', root);
        return true;
      },
      60_000,
      `replica ${i} to serve a pebble certificate for proxy.test`,
    );
  }
  assert.equal(served[0], served[1]);
  assert.equal(await pebble.orders(), 1);
});
