/**
 * Admin service entry: read the runtime contract, listen on 127.0.0.1:ADMIN_PORT (Caddy routes
 * /admin* here while admin auth is enabled), close on SIGTERM.
 */
import pino from 'pino';
import { assertNodeVersion } from '../common/node-version.js';
import { readRuntimeEnv } from '../common/runtime-env.js';
import { loggerOptions } from '../common/logger.js';
import { buildAdmin } from './app.js';
import { adminAuthOf } from './auth/admin-auth.js';
import { CaddyClient } from './caddy/client.js';
import { ConfigStore } from './config/store.js';
import { ProxyClient } from './proxy-client.js';
import { loadRenderEnv } from './caddy/render-env.js';
import { startReconciler } from './apply/reconcile.js';
import { CONFIG_CHANNEL, openConfigChannel } from '../common/redis/config-channel.js';
import type { SharedRedis } from '../common/redis/shared-redis.js';

assertNodeVersion();
const env = readRuntimeEnv();
const log = pino(loggerOptions('admin'));
const renderEnv = await loadRenderEnv();
const store = new ConfigStore(env.dataDir);
const caddy = new CaddyClient(env.caddyAdmin);
// With shared state, replicas hear about every apply at once (docs/shared-state.md, "Replicas").
// The channel opens after the admin listens, so its start is not delayed.
const channel: { redis?: SharedRedis } = {};
const app = buildAdmin({
  announce: async () => channel.redis?.publish(CONFIG_CHANNEL, String(Date.now())),
  store,
  caddy,
  proxy: new ProxyClient(`http://127.0.0.1:${env.internalPort}`),
  renderEnv,
  logger: log,
  caddyBin: process.env.CADDY_BIN || 'caddy',
});
await app.listen({ host: '127.0.0.1', port: env.adminPort });
channel.redis = await openConfigChannel(store.configFile, 'gateway-admin', log);

const auth = await store.read().then(
  (s) => adminAuthOf(s.raw),
  () => undefined,
);
if (auth?.enabled && !auth.password && !auth.passwordHash) {
  log.warn(
    { firstRun: `${env.dataDir}/first-run.txt` },
    'admin login is enabled but no password is set: every request is refused until init sets one',
  );
}
log.info(
  { port: env.adminPort, dataDir: env.dataDir, caddyAdmin: env.caddyAdmin, dnsModules: renderEnv.dnsModules },
  'admin listening',
);
const stopReconciler = startReconciler({
  store,
  applier: app.applier,
  caddy,
  renderEnv,
  log,
  render: (config) => app.staging.render(config),
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'admin stopping');
  stopReconciler();
  // An apply in progress finishes first: close() waits for in-flight requests.
  await app.close();
  await channel.redis?.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
