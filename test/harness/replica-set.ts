/**
 * Replicas of the gateway on loopback for shared-state tests (docs/shared-state.md, "Replicas"):
 * one real redis-server, simulated Azure (two Foundry simulators and the managed-identity
 * endpoint), one shared DATA_DIR, and N replicas, each a real Caddy and a real proxy process
 * with its own RUN_DIR and ports. Replica 0 also hosts the one admin (in this process, applying
 * through replica 0's Caddy and proxy, as the admin container does); the others run the replica
 * config follower. Everything stops when the test ends.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import pino from 'pino';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildAdmin } from '../../admin/app.js';
import { CaddyClient } from '../../admin/caddy/client.js';
import { renderCaddyfile, type CaddyRenderEnv } from '../../admin/caddy/caddyfile-render.js';
import { ConfigStore } from '../../admin/config/store.js';
import { ProxyClient } from '../../admin/proxy-client.js';
import { LoginThrottle } from '../../admin/auth/login-throttle.js';
import { validateConfig } from '../../common/config/validate.js';
import { hashPassword } from '../../common/password-hash.js';
import { CONFIG_CHANNEL } from '../../common/redis/config-channel.js';
import { SharedRedis } from '../../common/redis/shared-redis.js';
import { startFoundrySimulator, type FoundrySimulator } from '../../simulator/foundry/simulator.js';
import { startIdentitySimulator } from '../../simulator/identity.js';
import { ADMIN_PASSWORD, ADMIN_USER, basic } from './admin-stack.js';
import { CADDY_BIN, launchCaddy, localRootCa, type CaddyPorts, type CaddyProcess } from './caddy-process.js';
import { isRunning, readyOrExit, signalChild, startService, stopChild, type Child } from './child.js';
import { loopbackSdk } from './loopback-tls.js';
import { freePorts, waitUntil } from './ports.js';
import { defaultConfig, SIM_API_KEY } from './proxy-harness.js';
import { startRedis, type RedisServer } from './redis-server.js';

/** One replica: Caddy + proxy (+ the config follower on all but replica 0). */
export interface Replica {
  index: number;
  runDir: string;
  caddyPorts: CaddyPorts;
  proxyPort: number;
  internalUrl: string;
  caddy: CaddyProcess;
  proxy: Child;
  follower?: Child;
  /** Starts a killed proxy again (same ports), waiting until it is ready. */
  restartProxy(): Promise<void>;
}

/** Everything a replica test talks to. */
export interface ReplicaSet {
  dataDir: string;
  redis: RedisServer;
  /** The harness's simulator (upstream `a`, also `foundry` and `keyed`). */
  a: FoundrySimulator;
  /** A second simulator (upstream `b`). */
  b: FoundrySimulator;
  replicas: Replica[];
  /** Caddy's local CA root, shared by every replica (one storage). */
  ca: string;
  admin: FastifyInstance;
  /** An admin API request with the admin's credentials. */
  api(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** The official SDK through replica `i`'s Caddy (no retries). */
  sdk(i: number, key: string): import('openai').default;
  /** GET on replica `i`'s internal listener, as JSON. */
  internal(i: number, urlPath: string): Promise<unknown>;
}

/** Options of `startReplicaSet`. */
export interface ReplicaSetOptions {
  replicas?: number;
  /** Changes to the config (after the defaults: a `pool` model on `a` (priority 0) and `b` (priority 1)). */
  configure?: (config: Record<string, unknown>) => void;
  /** Extra redis-server arguments (e.g. AOF persistence). */
  redisArgs?: string[];
}

/** Starts Redis, the simulators, the replicas and the admin. */
export async function startReplicaSet(t: TestContext, opts: ReplicaSetOptions = {}): Promise<ReplicaSet> {
  const identity = await startIdentitySimulator();
  Object.assign(process.env, identity.env);
  const a = await startFoundrySimulator({ apiKey: SIM_API_KEY, acceptToken: (tok) => identity.isValid(tok) });
  const b = await startFoundrySimulator({ apiKey: SIM_API_KEY });
  t.after(async () => {
    await a.close();
    await b.close();
    await identity.close();
  });
  const redis = await startRedis(t, { args: opts.redisArgs });
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'gw-replicas-'));
  t.after(() => fs.rm(base, { recursive: true, force: true }));
  const dataDir = path.join(base, 'data');
  await fs.mkdir(dataDir);

  const config = defaultConfig(a.url);
  const server = config.server as Record<string, unknown>;
  server.adminAuth = { enabled: true, username: ADMIN_USER, passwordHash: await hashPassword(ADMIN_PASSWORD) };
  server.caddy = { domain: 'localhost' };
  // Longer than the default 250 ms: a loaded test machine can answer slower than that, and an
  // admission that times out is decided by the local share (redis-outage and slow-redis tests).
  server.sharedState = { redis: { url: redis.url }, timeoutMs: 2_000 };
  (config.upstreams as unknown[]).push(
    { name: 'a', baseUrl: a.url, auth: { mode: 'apiKey', apiKey: SIM_API_KEY } },
    { name: 'b', baseUrl: b.url, auth: { mode: 'apiKey', apiKey: SIM_API_KEY } },
  );
  (config.models as unknown[]).push({
    id: 'pool',
    targets: [
      { upstream: 'a', targetModel: 'dep-a', priority: 0 },
      { upstream: 'b', targetModel: 'dep-b', priority: 1 },
    ],
  });
  opts.configure?.(config);
  await fs.writeFile(path.join(dataDir, 'config.json'), JSON.stringify(config, null, 2));
  const valid = validateConfig(config);
  if (!valid.ok) throw new Error(`replica config invalid: ${JSON.stringify(valid.issues)}`);

  const n = opts.replicas ?? 3;
  // Every port of every replica at once: ports asked for one by one may repeat before the
  // processes that will hold them have started.
  const free = await freePorts(1 + n * 5);
  const adminPort = free[0]!;
  const replicas: Replica[] = [];
  const renderEnvs: CaddyRenderEnv[] = [];
  for (let i = 0; i < n; i++) {
    const runDir = path.join(base, `run-${i}`);
    await fs.mkdir(runDir);
    const [caddyAdmin, httpsPort, httpPort, proxyPort, internalPort] = free.slice(1 + i * 5, 6 + i * 5) as [
      number,
      number,
      number,
      number,
      number,
    ];
    const ports = { adminPort: caddyAdmin, httpsPort, httpPort };
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      DATA_DIR: dataDir,
      RUN_DIR: runDir,
      PROXY_PORT: String(proxyPort),
      INTERNAL_PORT: String(internalPort),
      ADMIN_PORT: String(adminPort),
      CADDY_ADMIN: `localhost:${ports.adminPort}`,
      HTTPS_PORT: String(ports.httpsPort),
      HTTP_PORT: String(ports.httpPort),
      BIND_ADDRESS: '127.0.0.1',
      CADDY_BIN,
      SHUTDOWN_GRACE_MS: '5000',
      LOG_LEVEL: 'info',
      ...identity.env,
    };
    const internalUrl = `http://127.0.0.1:${internalPort}`;
    const startProxy = async () => {
      const child = startService({
        name: `proxy-${i}`,
        main: 'proxy/main.js',
        env,
        logFile: path.join(runDir, 'proxy.log'),
      });
      t.after(() => stopChild(child, 3_000));
      await readyOrExit(
        child,
        waitUntil(
          async () => {
            const res = await fetch(`${internalUrl}/internal/targets`);
            return res.ok && ((await res.json()) as { sharedState?: string }).sharedState === 'ok';
          },
          20_000,
          `proxy ${i} with shared state ok`,
        ),
      );
      return child;
    };
    const renderEnv: CaddyRenderEnv = {
      adminAddress: env.CADDY_ADMIN!,
      storageRoot: path.join(dataDir, 'caddy'),
      logFile: path.join(runDir, 'caddy.log'),
      proxyPort,
      adminPort,
      httpsPort: ports.httpsPort,
      httpPort: ports.httpPort,
      bindAddress: '127.0.0.1',
      dnsModules: [],
      withAdmin: i === 0,
    };
    renderEnvs.push(renderEnv);
    const caddyfile = i === 0 ? path.join(dataDir, 'Caddyfile') : path.join(runDir, 'Caddyfile');
    await fs.writeFile(caddyfile, renderCaddyfile(valid.config, renderEnv), { mode: 0o600 });
    const proxy = await startProxy();
    const caddy = await launchCaddy({ configFile: caddyfile, dir: runDir, adminPort: ports.adminPort });
    t.after(() => caddy.stop());
    // Replica 0's Caddy creates the local CA in the shared storage before the others start.
    if (i === 0) await localRootCa(renderEnv.storageRoot);
    const replica: Replica = {
      index: i,
      runDir,
      caddyPorts: ports,
      proxyPort,
      internalUrl,
      caddy,
      proxy,
      async restartProxy() {
        replica.proxy = await startProxy();
      },
    };
    if (i > 0) {
      const follower = startService({
        name: `follower-${i}`,
        main: 'admin/replica-main.js',
        env,
        logFile: path.join(runDir, 'follower.log'),
      });
      t.after(() => stopChild(follower, 3_000));
      replica.follower = follower;
    }
    replicas.push(replica);
  }
  const ca = await localRootCa(path.join(dataDir, 'caddy'));

  const log = pino({ level: 'warn' });
  const announcer = await SharedRedis.open(
    { url: redis.url, auth: 'none', keyPrefix: 'gw:', timeoutMs: 1000 },
    { log: pino({ level: 'silent' }), name: 'test-admin' },
  );
  t.after(() => announcer.close());
  const admin = buildAdmin({
    store: new ConfigStore(dataDir),
    caddy: new CaddyClient(renderEnvs[0]!.adminAddress),
    proxy: new ProxyClient(replicas[0]!.internalUrl),
    renderEnv: renderEnvs[0]!,
    logger: log,
    throttle: new LoginThrottle(),
    caddyBin: CADDY_BIN,
    announce: () => announcer.publish(CONFIG_CHANNEL, String(Date.now())),
  });
  t.after(() => admin.close());
  await waitUntil(async () => announcer.healthy, 10_000, 'the admin to reach Redis');

  const clients: Array<{ close: () => Promise<void> }> = [];
  t.after(() => Promise.all(clients.map((c) => c.close())));
  return {
    dataDir,
    redis,
    a,
    b,
    replicas,
    ca,
    admin,
    api: (method, url, body, headers) =>
      admin.inject({
        method: method as 'GET',
        url,
        headers: {
          authorization: basic(),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      }),
    sdk(i, key) {
      const c = loopbackSdk('localhost', replicas[i]!.caddyPorts.httpsPort, key, ca);
      clients.push(c);
      return c.client;
    },
    async internal(i, urlPath) {
      return (await fetch(`${replicas[i]!.internalUrl}${urlPath}`)).json();
    },
  };
}

/**
 * Restarts a replica the way supervisord stops and starts it: SIGTERM to Caddy (it stops taking
 * connections and lets running requests finish), then to the proxy (it drains), then both start
 * again. Resolves once the replica serves again.
 */
export async function restartReplica(r: Replica): Promise<void> {
  await r.caddy.stop();
  await stopChild(r.proxy, 10_000);
  await r.restartProxy();
  await r.caddy.restart();
}

/** Kills the whole replica with SIGKILL: Caddy, proxy and follower. */
export async function killReplica(r: Replica): Promise<void> {
  const caddyPid = r.caddy.pid();
  if (caddyPid) process.kill(caddyPid, 'SIGKILL');
  for (const c of [r.proxy, r.follower]) {
    if (c && isRunning(c)) {
      signalChild(c, 'SIGKILL');
      await c.exit;
    }
  }
}

/** The shared-state status replica `i` reports (`ok`, `degraded`). */
export async function sharedStateOf(set: ReplicaSet, i: number): Promise<string> {
  return ((await set.internal(i, '/internal/targets')) as { sharedState?: string }).sharedState ?? '';
}
