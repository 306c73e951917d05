/**
 * Proxy process entry: read the environment, load config (refusing to start on an invalid one),
 * listen on 127.0.0.1:PROXY_PORT (public, behind Caddy) and 127.0.0.1:INTERNAL_PORT (internal),
 * reload on SIGHUP, drain and flush usage on SIGTERM.
 */
import pino from 'pino';
import { assertNodeVersion } from '../common/node-version.js';
import { readRuntimeEnv } from '../common/runtime-env.js';
import { loggerOptions } from '../common/logger.js';
import { ConfigInvalidError } from '../common/config/errors.js';
import { buildInternal, buildProxy } from './app.js';
import { ProxyRuntime, proxyFiles } from './runtime.js';
import { LogRing } from './observe/log-ring.js';
import { pollFileChanges } from './config-poll.js';

/** How long in-flight streams may run on after SIGTERM (below supervisord's stopwaitsecs). */
const SHUTDOWN_GRACE_MS = Number(process.env.SHUTDOWN_GRACE_MS ?? 25_000);
const CONFIG_POLL_MS = 5_000;

assertNodeVersion();
const env = readRuntimeEnv();
const logs = new LogRing();
const log = pino(loggerOptions('proxy'), pino.multistream([{ stream: process.stdout }, { stream: logs }]));
const files = proxyFiles(env.dataDir);

let runtime: ProxyRuntime;
try {
  runtime = await ProxyRuntime.start({ ...files, log });
} catch (err) {
  if (err instanceof ConfigInvalidError) {
    log.fatal({ issues: err.issues, file: files.configFile }, 'config is invalid; not starting');
    console.error(JSON.stringify({ error: 'invalid config', file: files.configFile, issues: err.issues }, null, 2));
    process.exit(1);
  }
  throw err;
}

const keepAlive = runtime.snapshot().config.server.caddy.transport.keepAliveTimeoutMs;
const app = buildProxy({
  runtime,
  logger: log,
  envBodyLimit: env.bodyLimitBytes,
  keepAliveTimeoutMs: keepAlive,
  dataDir: env.dataDir,
});
const internal = buildInternal({ runtime, logger: log, logs });
await app.listen({ host: '127.0.0.1', port: env.proxyPort });
await internal.listen({ host: '127.0.0.1', port: env.internalPort });
log.info({ port: env.proxyPort, internalPort: env.internalPort, dataDir: env.dataDir }, 'proxy listening');

const reload = (why: string) => {
  runtime.reload().then(
    (r) => r.status !== 'unchanged' && log.info({ why, status: r.status }, 'reload'),
    (err: unknown) => log.error({ err, why }, 'reload failed'),
  );
};
process.on('SIGHUP', () => reload('SIGHUP'));
pollFileChanges(files.configFile, CONFIG_POLL_MS, () => reload('config file changed'));

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal, graceMs: SHUTDOWN_GRACE_MS }, 'draining: no new connections, in-flight requests may finish');
  const force = setTimeout(() => {
    log.warn('grace period over; closing remaining connections');
    app.server.closeAllConnections();
  }, SHUTDOWN_GRACE_MS);
  force.unref();
  // A stream that ends leaves its keep-alive connection idle; close those as they appear so
  // exit follows the last stream instead of the keep-alive timeout.
  const reap = setInterval(() => app.server.closeIdleConnections(), 200);
  await Promise.allSettled([app.close(), internal.close()]);
  clearInterval(reap);
  clearTimeout(force);
  await runtime.close().catch((err: unknown) => log.error({ err }, 'flushing usage failed'));
  log.info('proxy stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
