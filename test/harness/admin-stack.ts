/**
 * The admin service wired to real parts for tests: the proxy harness (real proxy, simulated Azure),
 * optionally a real Caddy in front of it started from the rendered Caddyfile, and the admin app
 * listening on a free port with its logs captured for leak checks. The admin reads and writes the
 * harness's config.json.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { TestContext } from 'node:test';
import pino from 'pino';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loggerOptions } from '../../common/logger.js';
import { validateConfig } from '../../common/config/validate.js';
import { hashPassword } from '../../common/password-hash.js';
import { buildAdmin } from '../../admin/app.js';
import { CaddyClient } from '../../admin/caddy/client.js';
import { renderCaddyfile, type CaddyRenderEnv } from '../../admin/caddy/caddyfile-render.js';
import { ConfigStore } from '../../admin/config/store.js';
import { ProxyClient } from '../../admin/proxy-client.js';
import { LoginThrottle } from '../../admin/auth/login-throttle.js';
import type { StagingTiming } from '../../admin/apply/staging.js';
import { CLIENT_KEY, startProxyHarness, type ProxyHarness } from './proxy-harness.js';
import {
  CADDY_BIN,
  caddyPorts,
  httpsRequest,
  localRootCa,
  startCaddy,
  type CaddyPorts,
  type CaddyProcess,
  type HttpsOptions,
  type Reply,
} from './caddy-process.js';
import { freePort, waitUntil } from './ports.js';

/** Where a stack without Caddy points the admin's Caddy client: a port nothing listens on. */
const NO_CADDY_ADMIN_PORT = 1;

export const ADMIN_USER = 'ops';
export const ADMIN_PASSWORD = 'admin-pw-correct-horse-battery';

/** Everything a test talks to. */
export interface AdminStack {
  harness: ProxyHarness;
  store: ConfigStore;
  admin: FastifyInstance;
  adminPort: number;
  renderEnv: CaddyRenderEnv;
  ports: CaddyPorts;
  /** Present when started with `caddy: true`. */
  caddy?: CaddyProcess;
  /** Caddy's local root CA (with `caddy: true`). */
  ca: string;
  /** Every line the admin logged. */
  logLines: string[];
  /** An admin API request (inject) with the admin's Basic credentials unless `auth: false`. */
  api(
    method: string,
    url: string,
    opts?: { body?: unknown; headers?: Record<string, string>; auth?: boolean },
  ): Promise<LightMyRequestResponse>;
  /** A request through Caddy's HTTPS listener. */
  viaCaddy(urlPath: string, opts?: Partial<HttpsOptions> & { key?: string }): Promise<Reply>;
  /** GET /admin/api/config: the reply, the config (secrets masked) and its ETag; fails the test unless 200. */
  currentConfig(): Promise<CurrentConfig>;
}

/** The config as GET /admin/api/config answered it. */
export interface CurrentConfig {
  reply: LightMyRequestResponse;
  config: Record<string, unknown>;
  etag: string;
}

/** Options of `startAdminStack`. */
export interface AdminStackOptions {
  caddy?: boolean;
  /** Changes to the harness config (after the admin defaults). */
  configure?: (config: Record<string, unknown>) => void;
  /** Point the admin at another internal URL (a stub in front of the proxy). */
  internalUrl?: (real: string) => string;
  /** Staged-change timeout and probe interval (short in tests). */
  stagingTiming?: StagingTiming;
}

/** Basic credentials of the test admin. */
export function basic(user = ADMIN_USER, pass = ADMIN_PASSWORD): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

/** Starts the harness, maybe Caddy, and the admin app; everything stops in t.after. */
export async function startAdminStack(t: TestContext, opts: AdminStackOptions = {}): Promise<AdminStack> {
  const passwordHash = await hashPassword(ADMIN_PASSWORD);
  const harness = await startProxyHarness({
    configure: (config) => {
      const server = config.server as Record<string, unknown>;
      server.adminAuth = { enabled: true, username: ADMIN_USER, passwordHash };
      server.caddy = { domain: 'localhost' };
      opts.configure?.(config);
    },
  });
  t.after(() => harness.close());
  const runDir = await mkdtemp(path.join(tmpdir(), 'gw-admin-run-'));
  // Runs before the hook that stops Caddy (hooks run in order): a removal racing a file Caddy
  // writes is retried, and a failure must not keep that hook from running.
  t.after(() => rm(runDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }).catch(() => undefined));

  const ports = await caddyPorts();
  const adminPort = await freePort();
  const renderEnv: CaddyRenderEnv = {
    // Without Caddy, nothing may answer on its admin address for the whole test. A port that was
    // merely free at the start can be taken by another test process's server (once a proxy
    // answered an apply's dry run there with a 401); port 1 is privileged and no test listens on it.
    adminAddress: `localhost:${opts.caddy ? ports.adminPort : NO_CADDY_ADMIN_PORT}`,
    storageRoot: path.join(harness.dataDir, 'caddy'),
    logFile: path.join(runDir, 'caddy.log'),
    proxyPort: Number(new URL(harness.url).port),
    adminPort,
    httpsPort: ports.httpsPort,
    httpPort: ports.httpPort,
    bindAddress: '127.0.0.1',
    dnsModules: [],
  };
  const store = new ConfigStore(harness.dataDir);

  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino(loggerOptions('admin', 'debug'), sink);
  const internalUrl = opts.internalUrl ? opts.internalUrl(harness.internalUrl) : harness.internalUrl;
  const admin = buildAdmin({
    store,
    caddy: new CaddyClient(renderEnv.adminAddress),
    proxy: new ProxyClient(internalUrl),
    renderEnv,
    logger,
    throttle: new LoginThrottle(),
    caddyBin: CADDY_BIN,
    ...(opts.stagingTiming ? { stagingTiming: opts.stagingTiming } : {}),
  });
  await admin.listen({ host: '127.0.0.1', port: adminPort });
  t.after(() => admin.close());

  let caddy: CaddyProcess | undefined;
  let ca = '';
  if (opts.caddy) {
    const stored = await store.read();
    const v = validateConfig(stored.raw);
    if (!v.ok) throw new Error(`harness config invalid: ${JSON.stringify(v.issues)}`);
    await writeFile(store.caddyfile, renderCaddyfile(v.config, renderEnv), { mode: 0o600 });
    caddy = await startCaddy(t, { configFile: store.caddyfile, dir: runDir, adminPort: ports.adminPort });
    ca = await localRootCa(renderEnv.storageRoot);
  }

  const stack: AdminStack = {
    harness,
    store,
    admin,
    adminPort,
    renderEnv,
    ports,
    caddy,
    ca,
    logLines,
    api: (method, url, o = {}) =>
      admin.inject({
        method: method as 'GET',
        url,
        headers: {
          ...(o.auth === false ? {} : { authorization: basic() }),
          ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...o.headers,
        },
        ...(o.body !== undefined ? { payload: JSON.stringify(o.body) } : {}),
      }),
    viaCaddy: (urlPath, o = {}) =>
      httpsRequest(ports.httpsPort, urlPath, {
        ca,
        ...o,
        headers: { ...(o.key ? { authorization: `Bearer ${o.key}` } : {}), ...o.headers },
      }),
    async currentConfig() {
      const reply = await stack.api('GET', '/admin/api/config');
      assert.equal(reply.statusCode, 200, reply.body);
      return { reply, config: reply.json<Record<string, unknown>>(), etag: String(reply.headers.etag) };
    },
  };
  if (caddy) {
    await waitUntil(
      async () => (await stack.viaCaddy('/v1/models', { key: CLIENT_KEY })).status === 200,
      20_000,
      'Caddy to route /v1/models to the proxy',
    );
  }
  return stack;
}
