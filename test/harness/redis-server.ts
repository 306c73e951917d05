/**
 * Debian's redis-server on a free loopback port for shared-state tests (docs/development.md,
 * "Redis in tests"): no persistence, its own temp dir, stopped in t.after. It can be killed
 * (-9), paused, and started again on the same port, empty, as the fault tests need. TLS and ACL
 * options serve the authentication tests.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { createClient } from 'redis';
import { readyOrExit, signalChild, startChild, stopChild, type Child } from './child.js';
import { freePort, waitUntil } from './ports.js';

/** The redis-server binary (REDIS_SERVER_BIN, else `redis-server` on PATH). */
export const REDIS_SERVER_BIN = process.env.REDIS_SERVER_BIN ?? 'redis-server';

/** Options of `startRedis`. */
export interface RedisServerOptions {
  /** Serve TLS only, with this certificate and key (PEM files). */
  tls?: { certFile: string; keyFile: string; caFile: string };
  /** Extra `redis-server` arguments (e.g. `--requirepass`). */
  args?: string[];
}

/** A running redis-server. */
export interface RedisServer {
  port: number;
  /** `redis://127.0.0.1:PORT` (or `rediss://localhost:PORT` with TLS). */
  url: string;
  /** Runs one command as the default user (with `password` when the server requires one). */
  command(args: string[], password?: string): Promise<unknown>;
  /** SIGKILL: connections drop at once. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: nothing is persisted). */
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: Redis stops answering without closing connections (a "slow" Redis). */
  pause(): void;
  resume(): void;
  log(): Promise<string>;
}

/** Starts redis-server on a free port; it is stopped when `t` ends (a test, or the bench's own cleanup list). */
export async function startRedis(t: Pick<TestContext, 'after'>, opts: RedisServerOptions = {}): Promise<RedisServer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gw-redis-'));
  const port = await freePort();
  const logFile = path.join(dir, 'redis.log');
  const tlsArgs = opts.tls
    ? [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        opts.tls.certFile,
        '--tls-key-file',
        opts.tls.keyFile,
        '--tls-ca-cert-file',
        opts.tls.caFile,
        '--tls-auth-clients',
        'no',
      ]
    : ['--port', String(port)];
  const args = [
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--logfile',
    '',
    ...tlsArgs,
    ...(opts.args ?? []),
  ];
  let child: Child | undefined;
  const url = opts.tls ? `rediss://localhost:${port}` : `redis://127.0.0.1:${port}`;
  const tlsCa = opts.tls ? await fs.readFile(opts.tls.caFile, 'utf8') : undefined;
  const command = async (cmd: string[], password?: string) => {
    const client = createClient({
      url,
      RESP: 2,
      ...(password ? { password } : {}),
      socket: { reconnectStrategy: false, connectTimeout: 2000, ...(tlsCa ? { tls: true as const, ca: tlsCa } : {}) },
    });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await client.sendCommand(cmd);
    } finally {
      await client.close().catch(() => undefined);
    }
  };
  const start = async () => {
    child = startChild({
      name: 'redis-server',
      command: REDIS_SERVER_BIN,
      args,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      logFile,
    });
    const password = opts.args?.[opts.args.indexOf('--requirepass') + 1];
    await readyOrExit(
      child,
      waitUntil(
        async () =>
          String(await command(['PING'], opts.args?.includes('--requirepass') ? password : undefined)) === 'PONG',
        10_000,
        `redis-server on port ${port}`,
      ),
    );
  };
  await start();
  t.after(async () => {
    if (child) {
      signalChild(child, 'SIGCONT');
      await stopChild(child, 2_000);
    }
    await fs.rm(dir, { recursive: true, force: true });
  });
  return {
    port,
    url,
    command,
    async kill() {
      if (!child) return;
      signalChild(child, 'SIGKILL');
      await child.exit;
    },
    start,
    pause: () => child && signalChild(child, 'SIGSTOP'),
    resume: () => child && signalChild(child, 'SIGCONT'),
    log: () => fs.readFile(logFile, 'utf8').catch(() => ''),
  };
}
