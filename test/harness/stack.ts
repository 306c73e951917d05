/**
 * The whole stack under real supervisord, started through the same entry script as `make up`
 * and the image, in a temp DATA_DIR on free loopback ports. Clients reach it over HTTPS through
 * Caddy, trusting Caddy's local CA.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { Agent, fetch as undiciFetch } from 'undici';
import { CADDY_BIN, localRootCaFile } from './caddy-process.js';
import { startChild } from './child.js';
import { freePorts, waitUntil } from './ports.js';
import { loopbackTlsAgent } from './loopback-tls.js';
import { REPO_ROOT } from './paths.js';
import { programPids } from './supervisor-rpc.js';

const run = promisify(execFile);

/** A running stack. */
export interface Stack {
  env: Record<string, string>;
  dataDir: string;
  runDir: string;
  url: string;
  logFile: string;
  child: ChildProcess;
  exit: Promise<number | null>;
  /** fetch that trusts Caddy's local CA. */
  fetch: typeof undiciFetch;
  /** Caddy's local CA root (PEM), which its `tls internal` sites chain to. */
  localCa(): Promise<string>;
  healthKey(): Promise<string>;
  clientKey(): Promise<string>;
  sdk(key: string): OpenAI;
  supervisorctl(...args: string[]): Promise<string>;
  log(): Promise<string>;
  stop(): Promise<number | null>;
}

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Options of `startStack`. */
export interface StackOptions {
  /** Reuse a data dir (to test restarts); a fresh temp dir otherwise. */
  baseDir?: string;
  env?: Record<string, string>;
  /**
   * Reach the stack as `https://<host>:<HTTPS_PORT>` (connected to 127.0.0.1) trusting `ca` (PEM),
   * e.g. a name with a certificate from pebble; default: localhost and Caddy's local root.
   */
  site?: { host: string; ca: string };
  /** The path polled with the health key until it answers 200; default /readyz. */
  readyPath?: '/readyz' | '/healthz';
  /** How long the stack may take to answer it (default 60 s). */
  readyTimeoutMs?: number;
  /** DATA_DIR (default: `<baseDir>/data`). */
  dataDir?: string;
  /** Leave RUN_DIR unset, so the entry script's default (`DATA_DIR.run`) is used; default `<baseDir>/run`. */
  defaultRunDir?: boolean;
  /** Where the entry script and everything it runs live; default this checkout (the image's layout: test/harness/image-layout.ts). */
  appDir?: string;
}

/** Starts the stack and waits until /readyz answers 200 through Caddy. */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const base = opts.baseDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'gw-stack-')));
  const appDir = opts.appDir ?? REPO_ROOT;
  const dataDir = opts.dataDir ?? path.join(base, 'data');
  const runDir = opts.defaultRunDir ? `${dataDir}.run` : path.join(base, 'run');
  await fs.mkdir(runDir, { recursive: true });
  const [https, http, proxy, admin, internal, sim, caddy] = (await freePorts(7)) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ports = {
    HTTPS_PORT: https,
    HTTP_PORT: http,
    PROXY_PORT: proxy,
    ADMIN_PORT: admin,
    INTERNAL_PORT: internal,
    SIM_PORT: sim,
    CADDY: caddy,
  };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: base,
    APP_DIR: appDir,
    NODE_BIN: process.execPath,
    DATA_DIR: dataDir,
    ...(opts.defaultRunDir ? {} : { RUN_DIR: runDir }),
    HTTPS_PORT: String(ports.HTTPS_PORT),
    HTTP_PORT: String(ports.HTTP_PORT),
    PROXY_PORT: String(ports.PROXY_PORT),
    ADMIN_PORT: String(ports.ADMIN_PORT),
    INTERNAL_PORT: String(ports.INTERNAL_PORT),
    SIM_PORT: String(ports.SIM_PORT),
    CADDY_ADMIN: `localhost:${ports.CADDY}`,
    BIND_ADDRESS: '127.0.0.1',
    DOMAIN: 'localhost',
    SIMULATOR: '1',
    SHUTDOWN_GRACE_MS: '15000',
    CADDY_BIN,
    ...opts.env,
  };
  const logFile = path.join(runDir, 'stack.log');
  // The entry script in a process group of its own, so a test can kill what is left of it at once;
  // its output goes to a file: supervisord's children need real file descriptors, not pipes
  // (docs/development.md, "supervisord started by a test").
  const { proc: child, exit } = startChild({
    name: 'stack',
    command: path.join(appDir, 'deploy/entrypoint.sh'),
    args: [],
    env,
    logFile,
    detached: true,
  });
  const url = `https://${opts.site?.host ?? 'localhost'}:${env.HTTPS_PORT}`;
  const localCa = () => fs.readFile(localRootCaFile(path.join(dataDir, 'caddy')), 'utf8');
  let agent: Agent | undefined;
  const trustedFetch = (async (input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) => {
    agent ??= opts.site ? loopbackTlsAgent(opts.site.ca) : new Agent({ connect: { ca: await localCa() } });
    return undiciFetch(input, { ...init, dispatcher: agent });
  }) as typeof undiciFetch;
  const configValue = async (pick: (c: { server?: { healthKey?: string } }) => string | undefined) => {
    const c = JSON.parse(await fs.readFile(path.join(dataDir, 'config.json'), 'utf8')) as {
      server?: { healthKey?: string };
    };
    return pick(c) ?? '';
  };
  const stack: Stack = {
    env,
    dataDir,
    runDir,
    url,
    logFile,
    child,
    exit,
    fetch: trustedFetch,
    localCa,
    healthKey: () => configValue((c) => c.server?.healthKey),
    async clientKey() {
      const text = await fs.readFile(path.join(dataDir, 'first-run.txt'), 'utf8');
      const m = /client API key: (\S+)/.exec(text);
      if (!m?.[1]) throw new Error('no client key in first-run.txt');
      return m[1];
    },
    sdk: (key) =>
      new OpenAI({
        baseURL: `${url}/v1`,
        apiKey: key,
        maxRetries: 0,
        fetch: trustedFetch as unknown as typeof globalThis.fetch,
      }),
    async supervisorctl(...args) {
      const { stdout } = await run('supervisorctl', ['-c', path.join(appDir, 'supervisord.conf'), ...args], {
        env: {
          ...env,
          SIMULATOR_AUTOSTART: 'true',
          ADMIN_MAIN: 'main.js',
          CADDYFILE: path.join(dataDir, 'Caddyfile'),
        },
      }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
      return stdout;
    },
    log: () => fs.readFile(logFile, 'utf8'),
    async stop() {
      if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
      const code = await exit;
      await agent?.close();
      return code;
    },
  };
  try {
    await waitUntil(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`the stack exited with ${child.exitCode}:\n${(await stack.log()).slice(-3000)}`);
        const hk = await stack.healthKey().catch(() => '');
        if (!hk) return false;
        const res = await trustedFetch(`${url}${opts.readyPath ?? '/readyz'}`, {
          headers: { authorization: `Bearer ${hk}` },
        });
        return res.status === 200;
      },
      opts.readyTimeoutMs ?? 60_000,
      `the stack to answer ${opts.readyPath ?? '/readyz'} through Caddy`,
    );
    // supervisord starts the admin after the proxy: on a busy machine it may still be starting
    // when the proxy is ready, and tests call its API next.
    await waitUntil(
      () => acceptsConnections(Number(env.ADMIN_PORT)),
      opts.readyTimeoutMs ?? 60_000,
      'the admin service to listen',
    );
  } catch (err) {
    if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    throw new Error(`${(err as Error).message}\n--- stack log ---\n${(await stack.log()).slice(-4000)}`, {
      cause: err,
    });
  }
  return stack;
}

/** Kills a stack that a test left running (t.after), whole process group included. */
export async function killStack(stack: Stack): Promise<void> {
  if (stack.child.exitCode !== null || !stack.child.pid) return;
  // supervisord's programs run in process groups of their own: stop them through supervisord
  // (SIGTERM), and only kill what is left, program by program, if that does not end in time.
  const pids = (await stack.supervisorctl('pid', 'all'))
    .split(/\s+/)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  try {
    process.kill(stack.child.pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
  const exited = await Promise.race([
    stack.exit.then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), 45_000)),
  ]);
  if (exited) return;
  for (const pid of [-stack.child.pid, ...pids]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** The pid of a supervisord program, or 0 (through supervisord's socket: no supervisorctl start-up). */
export async function programPid(stack: Stack, name: string): Promise<number> {
  return (await programPids(stack.runDir, [name]))[name] ?? 0;
}
