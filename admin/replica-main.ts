/**
 * Entry of a replica's config follower (GATEWAY_ROLE=replica; docs/shared-state.md, "Replicas"):
 * no admin API, no writes to DATA_DIR. It keeps this replica's Caddy and proxy in step with the
 * config.json the one admin writes, on the admin's Redis notification and on a 2 s mtime poll.
 */
import path from 'node:path';
import { stat } from 'node:fs/promises';
import pino from 'pino';
import { assertNodeVersion } from '../common/node-version.js';
import { readRuntimeEnv } from '../common/runtime-env.js';
import { loggerOptions } from '../common/logger.js';
import { CONFIG_CHANNEL, openConfigChannel } from '../common/redis/config-channel.js';
import { CaddyClient } from './caddy/client.js';
import { ProxyClient } from './proxy-client.js';
import { loadRenderEnv } from './caddy/render-env.js';
import { replicaSync } from './apply/replica-sync.js';

/** How often config.json's mtime is checked (and a failed reconcile retried). */
const POLL_MS = 2_000;

assertNodeVersion();
const env = readRuntimeEnv();
const log = pino(loggerOptions('replica'));
const configFile = path.join(env.dataDir, 'config.json');
const sync = replicaSync({
  configFile,
  caddyfile: path.join(env.runDir, 'Caddyfile'),
  caddy: new CaddyClient(env.caddyAdmin),
  proxy: new ProxyClient(`http://127.0.0.1:${env.internalPort}`),
  renderEnv: await loadRenderEnv(),
  log,
});
const redis = await openConfigChannel(configFile, 'gateway-replica', log);
if (redis) await redis.subscribe(CONFIG_CHANNEL, () => void sync.sync('config change announced'));

// The poll also retries: sync() does nothing while config.json is what it last applied.
let lastSeen = '';
const timer = setInterval(() => {
  stat(configFile).then(
    (st) => {
      const sig = `${st.mtimeMs}:${st.size}`;
      void sync.sync(sig === lastSeen ? 'retry' : 'config.json changed');
      lastSeen = sig;
    },
    () => undefined,
  );
}, POLL_MS);
void sync.sync('start');
log.info(
  { dataDir: env.dataDir, caddyAdmin: env.caddyAdmin, redis: redis !== undefined },
  'replica config follower running',
);

const shutdown = async () => {
  clearInterval(timer);
  await redis?.close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
