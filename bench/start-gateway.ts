/**
 * This project as two bench targets: the proxy process alone (plain HTTP on loopback), and the
 * real stack started by `deploy/entrypoint.sh` (init, then supervisord running Caddy, the proxy
 * and the admin service), reached over HTTPS through Caddy like a client would. Both start the
 * way the tests start them (test/harness).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { request, type Agent, type Dispatcher } from 'undici';
import type { Endpoint } from './load.js';
import { readyOrExit, startService, type Child } from '../test/harness/child.js';
import { freePorts, waitUntil } from '../test/harness/ports.js';
import { killStack, startStack as startHarnessStack } from '../test/harness/stack.js';
import { programPids } from '../test/harness/supervisor-rpc.js';
import { REPO_ROOT } from '../test/harness/paths.js';

/** The client key the bench presents to the gateway. */
export const BENCH_CLIENT_KEY = 'sk-bench-client-key-0123456789abcdef';

/** Chat Completions on a proxy alone listening on `port`, through `dispatcher`, with the bench's key. */
export function proxyChat(port: number, dispatcher: Dispatcher): Endpoint {
  return {
    dispatcher,
    origin: `http://127.0.0.1:${port}`,
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_CLIENT_KEY}` },
  };
}
const HEALTH_KEY = 'hk-bench-health-key-0123456789abcdef';
/** The model id clients ask for; the simulator answers for any deployment name. */
export const BENCH_MODEL = 'bench-model';

/**
 * The gateway's config for the bench: data-skel's settings (timeouts, image compression on, the
 * default upstream pool), one upstream (the bench simulator) with an api-key, one client key.
 */
export function gatewayConfig(simPort: number): Record<string, unknown> {
  return {
    version: 1,
    server: {
      healthKey: HEALTH_KEY,
      imageCompression: { enabled: true, maxSize: 1600, quality: 0.85, format: 'jpeg' },
      upstream: {
        connectTimeoutMs: 10_000,
        firstByteTimeoutMs: 300_000,
        idleTimeoutMs: 300_000,
        requestTimeoutMs: 900_000,
      },
    },
    auth: { mode: 'apiKey', apiKey: 'bench-upstream-key' },
    apiKeys: [{ id: 'bench', key: BENCH_CLIENT_KEY, status: 'active' }],
    upstreams: [{ name: 'bench-sim', baseUrl: `http://127.0.0.1:${simPort}` }],
    models: [{ id: BENCH_MODEL, upstream: 'bench-sim', targetModel: BENCH_MODEL }],
  };
}

/**
 * The Node flags supervisord.conf gives `program` (V8 heap sizing), so the proxy alone runs as
 * the stack runs it.
 */
export async function shippedNodeFlags(program: string): Promise<string[]> {
  const conf = await fs.readFile(path.join(REPO_ROOT, 'supervisord.conf'), 'utf8');
  const section = conf.split(/^\[/m).find((s) => s.startsWith(`program:${program}]`)) ?? '';
  const command = /^command=(.*)$/m.exec(section)?.[1] ?? '';
  return command.split(/\s+/).filter((word) => word.startsWith('--'));
}

/** True when a GET of `url` answers 200. */
export async function answers(url: string, headers: Record<string, string>, dispatcher?: Agent): Promise<boolean> {
  const res = await request(url, {
    headers,
    ...(dispatcher ? { dispatcher } : {}),
    headersTimeout: 5_000,
    bodyTimeout: 5_000,
  });
  await res.body.arrayBuffer();
  return res.statusCode === 200;
}

/** The proxy process alone. */
export interface ProxyAlone {
  child: Child;
  port: number;
  internalPort: number;
}

/**
 * Starts `dist/proxy/main.js` on free ports; `nodeArgs` lets the profiler add `--cpu-prof`,
 * `configure` changes the config first (the governance row limits every key), and `launcher`
 * runs Node under another command (valgrind, which starts it tens of times slower).
 */
export async function startProxyAlone(
  dir: string,
  simPort: number,
  nodeArgs: string[] = [],
  configure: (config: Record<string, unknown>) => void = () => undefined,
  env: Record<string, string> = {},
  launcher: string[] = [],
): Promise<ProxyAlone> {
  const dataDir = path.join(dir, 'data');
  await fs.mkdir(dataDir, { recursive: true });
  const config = gatewayConfig(simPort);
  configure(config);
  await fs.writeFile(path.join(dataDir, 'config.json'), JSON.stringify(config, null, 2));
  const [port, internalPort] = (await freePorts(2)) as [number, number];
  const child = startService({
    name: 'proxy',
    main: 'proxy/main.js',
    nodeArgs: [...(await shippedNodeFlags('proxy')), ...nodeArgs],
    launcher,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      DATA_DIR: dataDir,
      RUN_DIR: path.join(dir, 'run'),
      PROXY_PORT: String(port),
      INTERNAL_PORT: String(internalPort),
      SHUTDOWN_GRACE_MS: '3000',
      ...env,
    },
    logFile: path.join(dir, 'proxy.log'),
  });
  await readyOrExit(
    child,
    waitUntil(
      () => answers(`http://127.0.0.1:${port}/healthz`, { authorization: `Bearer ${HEALTH_KEY}` }),
      launcher.length ? 600_000 : 30_000,
      'the proxy to answer /healthz',
    ),
  );
  return { child, port, internalPort };
}

/** The whole stack under supervisord. */
export interface Stack {
  httpsPort: number;
  /** PEM of Caddy's local CA. */
  ca: string;
  /** Pids of the stack's Caddy, proxy and admin service (programs of supervisord). */
  pids(): Promise<{ caddy: number; proxy: number; admin: number }>;
  stop(): Promise<void>;
}

/**
 * Starts the stack as shipped (test/harness/stack.ts: `deploy/entrypoint.sh` on free loopback
 * ports, `tls internal` for localhost). The config is written before init runs (init completes and
 * migrates it, hashes the key, renders the Caddyfile), so the stack's upstream is the bench
 * simulator rather than its built-in demo one (SIMULATOR=0): every target shares one upstream.
 */
export async function startStack(dir: string, simPort: number): Promise<Stack> {
  const dataDir = path.join(dir, 'data');
  await fs.mkdir(dataDir, { recursive: true });
  await fs.writeFile(path.join(dataDir, 'config.json'), JSON.stringify(gatewayConfig(simPort), null, 2));
  const stack = await startHarnessStack({
    baseDir: dir,
    env: { SIMULATOR: '0', SHUTDOWN_GRACE_MS: '3000' },
    readyTimeoutMs: 90_000,
  });
  return {
    httpsPort: Number(stack.env.HTTPS_PORT),
    ca: await stack.localCa(),
    pids: () => programPids(stack.runDir, ['caddy', 'proxy', 'admin'] as const),
    stop: () => killStack(stack),
  };
}
