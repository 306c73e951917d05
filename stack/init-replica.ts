/**
 * The init step of a replica (GATEWAY_ROLE=replica; docs/shared-state.md, "Replicas"): it never
 * writes DATA_DIR (only the admin writes config.json, and the certificate storage belongs to
 * Caddy). It waits for the config.json the admin's own init writes on a fresh share, then renders
 * this replica's Caddyfile (no /admin route) into RUN_DIR, where supervisord starts Caddy from.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../common/atomic-write.js';
import { ConfigInvalidError } from '../common/config/errors.js';
import { loadConfigFile } from '../common/config/load.js';
import type { RuntimeEnv } from '../common/runtime-env.js';
import { renderCaddyfile } from '../admin/caddy/caddyfile-render.js';
import { caddyRenderEnv } from '../admin/caddy/render-env.js';

/** How long a replica waits for the admin to create config.json on a fresh share. */
export const CONFIG_WAIT_MS = 300_000;
const POLL_MS = 1_000;

/** What the replica init needs. */
export interface ReplicaInitOptions {
  runtime: RuntimeEnv;
  env: NodeJS.ProcessEnv;
  dnsModules: string[];
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  waitMs?: number;
}

/** Renders RUN_DIR/Caddyfile from the shared config.json; returns its path. */
export async function runReplicaInit(opts: ReplicaInitOptions): Promise<string> {
  const { runtime, log } = opts;
  await fs.mkdir(runtime.runDir, { recursive: true });
  const configFile = path.join(runtime.dataDir, 'config.json');
  const deadline = Date.now() + (opts.waitMs ?? CONFIG_WAIT_MS);
  let warned = false;
  while (
    !(await fs.stat(configFile).then(
      () => true,
      () => false,
    ))
  ) {
    if (Date.now() > deadline)
      throw new ConfigInvalidError([
        { path: '', message: `${configFile} did not appear: start the admin (GATEWAY_ROLE=all) on this share first` },
      ]);
    if (!warned) log.warn({ file: configFile }, 'replica: waiting for the admin to create config.json');
    warned = true;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const { config } = await loadConfigFile(configFile);
  const caddyfile = path.join(runtime.runDir, 'Caddyfile');
  await writeFileAtomic(
    caddyfile,
    renderCaddyfile(config, { ...caddyRenderEnv(runtime, opts.dnsModules, opts.env), withAdmin: false }),
    { mode: 0o600 },
  );
  log.info({ caddyfile }, 'replica init done');
  return caddyfile;
}
