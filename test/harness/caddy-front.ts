/**
 * The data plane as clients meet it, without the admin: the proxy harness (real proxy, simulated
 * Azure) behind a real Caddy started from the rendered Caddyfile, on free loopback ports, reached
 * over HTTPS at `https://localhost:<port>` trusting Caddy's local CA. Everything stops in t.after.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { Agent } from 'undici';
import { validateConfig } from '../../common/config/validate.js';
import { renderCaddyfile } from '../../admin/caddy/caddyfile-render.js';
import { caddyPorts, localRootCa, startCaddy } from './caddy-process.js';
import { fetchVia } from './loopback-tls.js';
import { CLIENT_KEY, startProxyHarness, type HarnessOptions, type ProxyHarness } from './proxy-harness.js';
import { freePort, waitUntil } from './ports.js';

/** A proxy harness behind Caddy. */
export interface CaddyFront {
  harness: ProxyHarness;
  /** `https://localhost:<httpsPort>` */
  url: string;
  httpsPort: number;
  /** Caddy's local root CA (PEM). */
  ca: string;
  /** A fetch that trusts Caddy's local CA, for the client libraries. */
  fetch: typeof globalThis.fetch;
  /** Caddy's own log and access log. */
  logFile: string;
  /** Caddy's admin API port (on localhost). */
  caddyAdminPort: number;
}

/** Starts the harness and Caddy in front of it; resolves once Caddy routes to the proxy. */
export async function startCaddyFront(t: TestContext, opts: HarnessOptions = {}): Promise<CaddyFront> {
  const harness = await startProxyHarness({
    ...opts,
    configure: (config, sim) => {
      (config.server as Record<string, unknown>).caddy = { domain: 'localhost' };
      opts.configure?.(config, sim);
    },
  });
  t.after(() => harness.close());
  const runDir = await mkdtemp(path.join(tmpdir(), 'gw-front-'));
  // Runs before the hook that stops Caddy (hooks run in order): a removal racing a file Caddy
  // writes is retried, and a failure must not keep that hook from running.
  t.after(() => rm(runDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => undefined));
  const ports = await caddyPorts();
  const validated = validateConfig(
    JSON.parse(await readFile(path.join(harness.dataDir, 'config.json'), 'utf8')) as unknown,
  );
  if (!validated.ok) throw new Error(`harness config invalid: ${JSON.stringify(validated.issues)}`);
  const storageRoot = path.join(runDir, 'caddy');
  const logFile = path.join(runDir, 'caddy.log');
  const caddyfile = renderCaddyfile(validated.config, {
    adminAddress: `localhost:${ports.adminPort}`,
    storageRoot,
    logFile,
    proxyPort: Number(new URL(harness.url).port),
    // No admin runs here; its route (if rendered) just has nothing behind it.
    adminPort: await freePort(),
    httpsPort: ports.httpsPort,
    httpPort: ports.httpPort,
    bindAddress: '127.0.0.1',
    dnsModules: [],
  });
  const file = path.join(runDir, 'Caddyfile');
  await writeFile(file, caddyfile, { mode: 0o600 });
  await startCaddy(t, { configFile: file, dir: runDir, adminPort: ports.adminPort });
  const ca = await localRootCa(storageRoot);
  const agent = new Agent({ connect: { ca } });
  t.after(() => agent.close());
  const front: CaddyFront = {
    harness,
    url: `https://localhost:${ports.httpsPort}`,
    httpsPort: ports.httpsPort,
    ca,
    fetch: fetchVia(agent),
    logFile,
    caddyAdminPort: ports.adminPort,
  };
  await waitUntil(
    async () =>
      (await front.fetch(`${front.url}/v1/models`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } })).status ===
      200,
    20_000,
    'Caddy to route /v1/models to the proxy',
  );
  return front;
}
