// A load balancer that cannot send headers (Azure Front Door, Container Apps probes) asks
// /probe/ready without a key: Caddy asks the proxy's /readyz with the health key and answers only
// the verdict (docs/architecture.md, "Keyless probe"); whatever the client sends is not passed on.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import test from 'node:test';
import { renderCaddyfile } from '../../admin/caddy/caddyfile-render.js';
import { validateConfig } from '../../common/config/validate.js';
import { caddyPorts, httpRequest, startCaddy } from '../harness/caddy-process.js';
import { freePort, waitUntil } from '../harness/ports.js';
import { proxyHarness } from '../harness/proxy-harness.js';

test('/probe/ready answers ready or not ready without a key, and nothing more', async (t) => {
  const h = await proxyHarness(t);
  const ports = await caddyPorts();
  const valid = validateConfig(JSON.parse(await readFile(path.join(h.dataDir, 'config.json'), 'utf8')) as unknown);
  assert.ok(valid.ok);
  const file = path.join(h.dataDir, 'Caddyfile');
  const env = {
    adminAddress: `localhost:${ports.adminPort}`,
    storageRoot: path.join(h.dataDir, 'caddy'),
    logFile: path.join(h.dataDir, 'caddy.log'),
    proxyPort: Number(new URL(h.url).port),
    adminPort: await freePort(),
    httpsPort: ports.httpsPort,
    httpPort: ports.httpPort,
    bindAddress: '127.0.0.1',
    dnsModules: [],
    tlsAtIngress: true,
  };
  await writeFile(file, renderCaddyfile(valid.config, env), { mode: 0o600 });
  await startCaddy(t, { configFile: file, dir: h.dataDir, adminPort: ports.adminPort });
  const probe = (headers: Record<string, string> = {}) =>
    httpRequest(ports.httpPort, '/probe/ready', { headers: { host: 'localhost', ...headers } });

  const ready = await probe();
  assert.deepEqual([ready.status, ready.body], [200, 'ready']);
  // The client's own Authorization is replaced by the health key, not passed along.
  assert.equal((await probe({ authorization: 'Bearer not-the-health-key' })).status, 200);
  // /readyz itself still needs the key through Caddy.
  assert.equal((await httpRequest(ports.httpPort, '/readyz', { headers: { host: 'localhost' } })).status, 401);

  // A new upstream whose credential cannot be had: the proxy is not ready, and the probe says only that.
  h.identity.fail('500');
  const config = JSON.parse(await readFile(path.join(h.dataDir, 'config.json'), 'utf8')) as { upstreams: unknown[] };
  config.upstreams.push({
    name: 'second',
    baseUrl: h.sim.url,
    auth: { mode: 'managedIdentity', managedIdentityClientId: randomUUID() },
  });
  await h.writeConfig(config);
  assert.equal((await h.runtime.reload()).status, 'reloaded');
  await waitUntil(async () => (await probe()).status === 503, 10_000, 'the probe to report not ready');
  const notReady = await probe();
  assert.deepEqual([notReady.status, notReady.body], [503, 'not ready']);

});
