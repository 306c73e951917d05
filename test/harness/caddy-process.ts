/**
 * A real `caddy run --config <file> --adapter caddyfile` for tests, in a temp dir on free loopback
 * ports (the admin API on a free localhost port; `skip_install_trust` and `default_bind` come from
 * the template), stopped in t.after. Plus an HTTPS client that trusts Caddy's local CA, for
 * requests through Caddy.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { open, readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { freePort, waitUntil } from './ports.js';

/** The Caddy binary (CADDY_BIN, else `caddy` on PATH). */
export const CADDY_BIN = process.env.CADDY_BIN ?? 'caddy';

/** True when the Caddy binary runs here (tests skip otherwise). */
export const haveCaddy: boolean = await new Promise<boolean>((resolve) => {
  const p = spawn(CADDY_BIN, ['version'], { stdio: 'ignore' });
  p.on('error', () => resolve(false));
  p.on('exit', (code) => resolve(code === 0));
});

/** Free ports for Caddy's admin API and its public listeners. */
export interface CaddyPorts {
  adminPort: number;
  httpsPort: number;
  httpPort: number;
}

/** Three ports that were free a moment ago. */
export async function caddyPorts(): Promise<CaddyPorts> {
  return { adminPort: await freePort(), httpsPort: await freePort(), httpPort: await freePort() };
}

/** A running Caddy. */
export interface CaddyProcess {
  /** Caddy's stdout and stderr. */
  outputFile: string;
  /** Stops Caddy and starts it again from the same file (as supervisord would). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Options of `startCaddy`. */
export interface StartCaddyOptions {
  /** The Caddyfile Caddy starts from. */
  configFile: string;
  /** A temp dir for Caddy's output and its XDG dirs (autosave). */
  dir: string;
  /** The admin port the Caddyfile names: Caddy is up when it answers there. */
  adminPort: number;
}

function adminAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/config/', agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
  });
}

/** Starts Caddy from `configFile`, waits until its admin API answers, and stops it in t.after. */
export async function startCaddy(t: TestContext, opts: StartCaddyOptions): Promise<CaddyProcess> {
  const outputFile = path.join(opts.dir, 'caddy.out');
  const out = await open(outputFile, 'a');
  let child: ChildProcess | undefined;
  const start = async () => {
    // XDG_*: Caddy autosaves every /load under XDG_CONFIG_HOME; keep it out of the user's home.
    child = spawn(CADDY_BIN, ['run', '--config', opts.configFile, '--adapter', 'caddyfile'], {
      stdio: ['ignore', out.fd, out.fd],
      env: { ...process.env, XDG_CONFIG_HOME: path.join(opts.dir, 'xdg-config'), XDG_DATA_HOME: path.join(opts.dir, 'xdg-data') },
    });
    const exited = once(child, 'exit');
    await Promise.race([
      waitUntil(() => adminAnswers(opts.adminPort), 15_000, `Caddy's admin API on port ${opts.adminPort}`),
      exited.then(async () => {
        throw new Error(`caddy exited at start:\n${(await readFile(outputFile, 'utf8')).slice(-2000)}`);
      }),
    ]);
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = once(c, 'exit');
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), 8_000);
    await exited;
    clearTimeout(timer);
  };
  t.after(async () => {
    await stop();
    await out.close();
  });
  await start();
  return {
    outputFile,
    restart: async () => {
      await stop();
      await start();
    },
    stop,
  };
}

/** A response read in full. */
export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Options of one request through Caddy's HTTPS listener. */
export interface HttpsOptions {
  /** PEM of the CA to trust (Caddy's local root). */
  ca: string;
  /** SNI and Host name (default localhost). */
  servername?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** One HTTPS request to 127.0.0.1:`port`, trusting only `opts.ca`. */
export function httpsRequest(port: number, urlPath: string, opts: HttpsOptions): Promise<Reply> {
  const name = opts.servername ?? 'localhost';
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port, path: urlPath, method: opts.method ?? 'GET', ca: opts.ca, servername: name, headers: { host: `${name}:${port}`, ...opts.headers }, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Caddy's local CA root under `storageRoot` (created when a `tls internal` site loads). */
export async function localRootCa(storageRoot: string): Promise<string> {
  const file = path.join(storageRoot, 'pki', 'authorities', 'local', 'root.crt');
  let pem = '';
  await waitUntil(async () => {
    pem = await readFile(file, 'utf8');
    return pem.includes('BEGIN CERTIFICATE');
  }, 15_000, "Caddy's local CA root");
  return pem;
}
