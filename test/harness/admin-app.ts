/**
 * The admin app alone for login and request-guard tests: a config.json (by default only
 * `adminAuth` and a health key; any text, a broken file too) in a temp dir, Caddy and the proxy
 * pointed at closed ports (nothing here reaches them), requests by inject(), and the app's log
 * lines captured.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { TestContext } from 'node:test';
import pino from 'pino';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loggerOptions } from '../../common/logger.js';
import { buildAdmin } from '../../admin/app.js';
import { CaddyClient } from '../../admin/caddy/client.js';
import { ConfigStore } from '../../admin/config/store.js';
import { ProxyClient } from '../../admin/proxy-client.js';

/** An admin app, its data dir and what it logged. */
export interface AdminApp {
  app: FastifyInstance;
  dir: string;
  logs: string[];
}

/** The apps built on each data dir, closed before it is removed. */
const appsOf = new Map<string, FastifyInstance[]>();

function buildIn(dir: string): { app: FastifyInstance; logs: string[] } {
  const logs: string[] = [];
  const sink = new Writable({ write: (c: Buffer, _e, done) => (logs.push(c.toString()), done()) });
  const app = buildAdmin({
    store: new ConfigStore(dir),
    caddy: new CaddyClient('localhost:1'),
    proxy: new ProxyClient('http://127.0.0.1:1'),
    renderEnv: {
      adminAddress: 'localhost:1',
      storageRoot: path.join(dir, 'caddy'),
      logFile: path.join(dir, 'caddy.log'),
      proxyPort: 3,
      adminPort: 4,
      httpsPort: 5,
      httpPort: 6,
      dnsModules: [],
    },
    logger: pino(loggerOptions('admin', 'debug'), sink),
  });
  return { app, logs };
}

/** Builds the admin app on `config` (written as JSON unless it is a string); closed and removed when `t` ends. */
export async function startAdminAppWith(t: TestContext, config: unknown): Promise<AdminApp> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gw-admin-auth-'));
  await writeFile(path.join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  const { app, logs } = buildIn(dir);
  const apps = [app];
  appsOf.set(dir, apps);
  // Closed first (a restarted one too), then removed; an audit line still being appended after a
  // response may land while the folder goes, so removal retries (ENOTEMPTY).
  t.after(async () => {
    for (const a of apps) await a.close();
    appsOf.delete(dir);
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  });
  return { app, dir, logs };
}

/** Closes `previous` (as a stopping admin does) and builds a new admin app on its data dir: a restart. */
export async function restartAdminApp(previous: AdminApp): Promise<AdminApp> {
  await previous.app.close();
  const { app, logs } = buildIn(previous.dir);
  appsOf.get(previous.dir)?.push(app);
  return { app, dir: previous.dir, logs };
}

/** Builds the admin app with `adminAuth` as its login settings; closed and removed when `t` ends. */
export function startAdminApp(t: TestContext, adminAuth: Record<string, unknown>): Promise<AdminApp> {
  return startAdminAppWith(t, { server: { adminAuth, healthKey: 'health-key-0123456789abcdef' } });
}

/** GET /admin/api/keys (a read any signed-in user may make) with `headers`. */
export function getKeys(app: FastifyInstance, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url: '/admin/api/keys', headers });
}
