// Behind a platform ingress that terminates TLS (TLS_TERMINATION=ingress, Azure Container Apps'
// HTTP ingress; docs/deploy-aca.md, "TLS"), Caddy serves the gateway's routes on its HTTP port,
// with the same health check and body limit, and opens no HTTPS listener.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import test from 'node:test';
import { renderCaddyfile } from '../../admin/caddy/caddyfile-render.js';
import { validateConfig } from '../../common/config/validate.js';
import { caddyPorts, httpRequest, startCaddy } from '../harness/caddy-process.js';
import { freePort } from '../harness/ports.js';
import { CLIENT_KEY, proxyHarness } from '../harness/proxy-harness.js';

const listens = (port: number) => new Promise<boolean>((resolve) => {
  const s = net.connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
  s.once('error', () => resolve(false));
});

test('TLS at the ingress: the routes on the HTTP port, no HTTPS listener', async (t) => {
  const h = await proxyHarness(t, { configure: (c) => ((c.server as Record<string, unknown>).caddy = { domain: 'gw.example.com' }) });
  const ports = await caddyPorts();
  const raw = JSON.parse(await readFile(path.join(h.dataDir, 'config.json'), 'utf8')) as unknown;
  const valid = validateConfig(raw);
  assert.ok(valid.ok);
  const env = { adminAddress: `localhost:${ports.adminPort}`, storageRoot: path.join(h.dataDir, 'caddy'), logFile: path.join(h.dataDir, 'caddy.log'), proxyPort: Number(new URL(h.url).port), adminPort: await freePort(), httpsPort: ports.httpsPort, httpPort: ports.httpPort, bindAddress: '127.0.0.1', dnsModules: [], tlsAtIngress: true };
  const file = path.join(h.dataDir, 'Caddyfile');
  const text = renderCaddyfile(valid.config, env);
  assert.doesNotMatch(text, /redir https/);
  await writeFile(file, text, { mode: 0o600 });
  await startCaddy(t, { configFile: file, dir: h.dataDir, adminPort: ports.adminPort });
  const models = await httpRequest(ports.httpPort, '/v1/models', { headers: { host: 'gw.example.com', authorization: `Bearer ${CLIENT_KEY}`, 'x-forwarded-proto': 'https' } });
  assert.equal(models.status, 200, models.body);
  assert.equal((await httpRequest(ports.httpPort, '/internal/stats', { headers: { host: 'gw.example.com' } })).status, 404);
  assert.equal(await listens(ports.httpsPort), false);
});
