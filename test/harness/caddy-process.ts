/**
 * The one place that knows the Caddy binary, and a real `caddy run --config <file> --adapter
 * caddyfile` in a temp dir on free loopback ports, for tests (stopped in t.after) and the bench
 * (stopped by its caller). Plus an HTTPS client that trusts Caddy's local CA, for requests through
 * Caddy, and the admin API's adapt-then-load.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import { readyOrExit, startChild, stopChild, type Child } from './child.js';
import { freePorts, waitUntil } from './ports.js';

const run = promisify(execFile);

/**
 * The Caddy binary every test, the bench, the soak and the stack they start use: CADDY_BIN (the
 * Makefile exports it), else the one `make deps` unpacked into tools/ (the image's version,
 * docs/caddy.md); never the `caddy` on PATH.
 */
export const CADDY_BIN = process.env.CADDY_BIN || path.resolve(import.meta.dirname, '../../../tools/caddy/bin/caddy');

/** How long a stopped Caddy gets to finish its grace period before SIGKILL. */
const STOP_GRACE_MS = 8_000;

/** The version Caddy reports (`v2.6.2`), or `not found`. */
export async function caddyVersion(): Promise<string> {
  return run(CADDY_BIN, ['version']).then(
    (r) => r.stdout.trim().split(/\s+/)[0] ?? '?',
    () => 'not found',
  );
}

/** Free ports for Caddy's admin API and its public listeners. */
export interface CaddyPorts {
  adminPort: number;
  httpsPort: number;
  httpPort: number;
}

/** Three ports that were free a moment ago. */
export async function caddyPorts(): Promise<CaddyPorts> {
  const [adminPort, httpsPort, httpPort] = (await freePorts(3)) as [number, number, number];
  return { adminPort, httpsPort, httpPort };
}

/** A running Caddy. */
export interface CaddyProcess {
  /** Caddy's stdout and stderr. */
  outputFile: string;
  /** The pid of the Caddy running now (0 when stopped). */
  pid(): number;
  /** Stops Caddy and starts it again from the same file (as supervisord would). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Options of `launchCaddy` and `startCaddy`. */
export interface StartCaddyOptions {
  /** The Caddyfile Caddy starts from. */
  configFile: string;
  /** A temp dir for Caddy's output and its XDG dirs (autosave). */
  dir: string;
  /** The admin port the Caddyfile names: Caddy is up when it answers there. */
  adminPort: number;
  /** Where stdout and stderr go (default `<dir>/caddy.out`). */
  outputFile?: string;
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

/** Starts Caddy from `configFile` and waits until its admin API answers; the caller stops it. */
export async function launchCaddy(opts: StartCaddyOptions): Promise<CaddyProcess> {
  const outputFile = opts.outputFile ?? path.join(opts.dir, 'caddy.out');
  let child: Child | undefined;
  const start = async () => {
    // XDG_*: Caddy autosaves every /load under XDG_CONFIG_HOME; keep it out of the user's home.
    child = startChild({
      name: 'caddy',
      command: CADDY_BIN,
      args: ['run', '--config', opts.configFile, '--adapter', 'caddyfile'],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: opts.dir,
        XDG_CONFIG_HOME: path.join(opts.dir, 'xdg-config'),
        XDG_DATA_HOME: path.join(opts.dir, 'xdg-data'),
      },
      logFile: outputFile,
    });
    await readyOrExit(
      child,
      waitUntil(() => adminAnswers(opts.adminPort), 15_000, `Caddy's admin API on port ${opts.adminPort}`),
    );
  };
  const stop = async () => {
    if (child) await stopChild(child, STOP_GRACE_MS);
  };
  try {
    await start();
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    outputFile,
    pid: () => (child && child.proc.exitCode === null ? (child.proc.pid ?? 0) : 0),
    restart: async () => {
      await stop();
      await start();
    },
    stop,
  };
}

/** Starts Caddy like `launchCaddy` and stops it in t.after. */
export async function startCaddy(t: TestContext, opts: StartCaddyOptions): Promise<CaddyProcess> {
  // launchCaddy stops what it started when the start fails, so only a started Caddy needs this.
  const caddy = await launchCaddy(opts);
  t.after(() => caddy.stop());
  return caddy;
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
  /** SNI and Host name (default localhost); null sends no SNI and Host 127.0.0.1 (a bare-IP client). */
  servername?: string | null;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Sends the request `start` makes (handing it the response callback) with `body`, and reads the answer whole. */
function exchange(
  start: (onResponse: (res: http.IncomingMessage) => void) => http.ClientRequest,
  body?: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = start((res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** One HTTPS request to 127.0.0.1:`port`, trusting only `opts.ca`. */
export function httpsRequest(port: number, urlPath: string, opts: HttpsOptions): Promise<Reply> {
  const name = opts.servername === null ? undefined : (opts.servername ?? 'localhost');
  const headers = { host: `${name ?? '127.0.0.1'}:${port}`, ...opts.headers };
  return exchange(
    (onResponse) =>
      https.request(
        {
          host: '127.0.0.1',
          port,
          path: urlPath,
          method: opts.method ?? 'GET',
          ca: opts.ca,
          servername: name,
          headers,
          agent: false,
        },
        onResponse,
      ),
    opts.body,
  );
}

/** One plain-HTTP request to 127.0.0.1:`port` (Caddy's admin API, its HTTP listener, a stub). */
export function httpRequest(
  port: number,
  urlPath: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return exchange(
    (onResponse) =>
      http.request(
        { host: '127.0.0.1', port, path: urlPath, method: opts.method ?? 'GET', headers: opts.headers, agent: false },
        onResponse,
      ),
    opts.body,
  );
}

/**
 * Dry-runs `caddyfile` through the admin API's /adapt (a warning is an error), then loads the JSON
 * it adapted to with /load, the way the admin's apply transaction does (docs/architecture.md,
 * "Adapt, then load JSON, refusing warnings").
 */
export async function loadCaddyfile(adminPort: number, caddyfile: string): Promise<void> {
  const post = (urlPath: string, type: string, body: string) =>
    httpRequest(adminPort, urlPath, {
      method: 'POST',
      headers: { 'content-type': type, host: `localhost:${adminPort}` },
      body,
    });
  const adapted = await post('/adapt', 'text/caddyfile', caddyfile);
  if (adapted.status !== 200) throw new Error(`/adapt answered ${adapted.status}: ${adapted.body}`);
  const parsed = JSON.parse(adapted.body) as { result: unknown; warnings?: unknown[] };
  if (parsed.warnings?.length) throw new Error(`/adapt warned: ${JSON.stringify(parsed.warnings)}`);
  const loaded = await post('/load', 'application/json', JSON.stringify(parsed.result));
  if (loaded.status !== 200 || loaded.body.includes('"error"'))
    throw new Error(`/load answered ${loaded.status}: ${loaded.body}`);
}

/** The file of Caddy's local CA root under `storageRoot` (its `storage file_system` root). */
export function localRootCaFile(storageRoot: string): string {
  return path.join(storageRoot, 'pki', 'authorities', 'local', 'root.crt');
}

/** Caddy's local CA root under `storageRoot`, waiting for it (it is created when a `tls internal` site loads). */
export async function localRootCa(storageRoot: string): Promise<string> {
  const file = localRootCaFile(storageRoot);
  let pem = '';
  await waitUntil(
    async () => {
      pem = await readFile(file, 'utf8');
      return pem.includes('BEGIN CERTIFICATE');
    },
    15_000,
    "Caddy's local CA root",
  );
  return pem;
}
