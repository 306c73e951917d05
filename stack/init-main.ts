/**
 * `node dist/stack/init-main.js`: the init step as a command (the entry script runs it before
 * supervisord). Prints generated secrets once and exits non-zero, with every problem listed,
 * when the config cannot be used.
 */
import path from 'node:path';
import pino from 'pino';
import { assertNodeVersion } from '../common/node-version.js';
import { readRuntimeEnv } from '../common/runtime-env.js';
import { loggerOptions } from '../common/logger.js';
import { ConfigInvalidError } from '../common/config/errors.js';
import { dnsProviders } from '../admin/caddy/modules.js';
import { runInit } from './init.js';
import { runReplicaInit } from './init-replica.js';
import { CaddyfileRenderError } from '../admin/caddy/caddyfile-render.js';

assertNodeVersion();
const log = pino(loggerOptions('init'));
const runtime = readRuntimeEnv();
const skelDir = path.resolve(import.meta.dirname, '../../data-skel');
try {
  const dnsModules = await dnsProviders(process.env.CADDY_BIN || 'caddy').catch(() => []);
  // A replica only renders its own Caddyfile; the admin's init seeds and migrates DATA_DIR.
  const result =
    process.env.GATEWAY_ROLE === 'replica'
      ? undefined
      : await runInit({ runtime, skelDir, env: process.env, dnsModules, log });
  if (!result) await runReplicaInit({ runtime, env: process.env, dnsModules, log });
  if (result?.brokenConfig) {
    // Loud on purpose: the stack starts, but from an older config than the one on disk.
    const lines = [
      '',
      '==== config.json cannot be used: the gateway starts from the last good config ====',
      ...result.brokenConfig.map((i) => `  ${i.path || '/'}: ${i.message}`),
      '  Log in to the admin UI and save the config (or fix config.json) to repair it.',
      '',
    ];
    process.stderr.write(lines.join('\n') + '\n');
  }
  if (result?.firstRunFile) {
    // Printed once, to the container log (docs/architecture.md, "The init step"); also in first-run.txt (0600).
    const lines = ['', '==== first run: save these, they are not shown again ===='];
    if (result.generated.adminPassword)
      lines.push(`admin user:     ${result.generated.adminUser}`, `admin password: ${result.generated.adminPassword}`);
    if (result.generated.clientKey) lines.push(`client API key: ${result.generated.clientKey}`);
    lines.push(
      `(also written to ${result.firstRunFile}; change the password after the first login: this log may be readable by others)`,
      '',
    );
    process.stdout.write(lines.join('\n') + '\n');
  }
} catch (err) {
  if (err instanceof ConfigInvalidError || err instanceof CaddyfileRenderError) {
    log.fatal({ issues: err.issues }, 'config.json cannot be used; fix it and start again (nothing was changed)');
    process.exit(1);
  }
  throw err;
}
