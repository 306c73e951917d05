/**
 * Keeps one replica's Caddy in step with the shared config.json (docs/shared-state.md,
 * "Replicas"). Only the admin writes config.json; a replica renders its own Caddyfile from it
 * (its own ports and paths) into RUN_DIR, tells its own proxy to reload first (so a rotated
 * health key is known before Caddy's first check with it), then loads Caddy. It runs when the
 * admin announces a change over Redis and whenever config.json's mtime changes (checked every
 * few seconds, since Azure Files delivers no change events). Nothing is written to DATA_DIR.
 */
import { readFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import type { FastifyBaseLogger } from 'fastify';
import { writeFileAtomic } from '../../common/atomic-write.js';
import { validateConfig } from '../../common/config/validate.js';
import { renderCaddyfile, type CaddyRenderEnv } from '../caddy/caddyfile-render.js';
import type { CaddyClient } from '../caddy/client.js';
import type { ProxyClient } from '../proxy-client.js';

/** What the sync needs. */
export interface ReplicaSyncOptions {
  configFile: string;
  /** This replica's Caddyfile (RUN_DIR/Caddyfile): what its Caddy starts from after a restart. */
  caddyfile: string;
  caddy: CaddyClient;
  proxy: ProxyClient;
  renderEnv: CaddyRenderEnv;
  log: FastifyBaseLogger;
}

/** A running sync: `sync()` reconciles now (queued behind a running one). */
export interface ReplicaSync {
  sync(why: string): Promise<void>;
}

/** Creates the sync; the caller decides when it runs. */
export function replicaSync(opts: ReplicaSyncOptions): ReplicaSync {
  const env: CaddyRenderEnv = { ...opts.renderEnv, withAdmin: false };
  let applied: string | undefined;
  let tail: Promise<void> = Promise.resolve();

  const once = async (why: string) => {
    const text = await readFile(opts.configFile, 'utf8').catch(() => undefined);
    if (text === undefined || text === applied) return;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      raw = undefined;
    }
    const valid = raw === undefined ? undefined : validateConfig(raw);
    if (!valid?.ok) {
      opts.log.error(
        { file: opts.configFile },
        'config.json is invalid; this replica keeps its current config until it is fixed',
      );
      applied = text;
      return;
    }
    const rendered = renderCaddyfile(valid.config, env);
    const adapted = await opts.caddy.adapt(rendered);
    if (adapted.warnings.length)
      throw new Error(
        `Caddy's adapter warned about the rendered Caddyfile: ${adapted.warnings.map((w) => w.message).join('; ')}`,
      );
    const onDisk = await readFile(opts.caddyfile, 'utf8').catch(() => null);
    if (onDisk !== rendered) await writeFileAtomic(opts.caddyfile, rendered, { mode: 0o600 });
    const reload = await opts.proxy.reload();
    if (reload.status === 'invalid') throw new Error('the proxy rejected config.json');
    if (!isDeepStrictEqual(adapted.result, await opts.caddy.config().catch(() => undefined))) {
      await opts.caddy.load(adapted.result);
      opts.log.info({ why }, 'replica: Caddy follows the new config');
    }
    applied = text;
  };

  return {
    sync(why) {
      tail = tail
        .then(() => once(why))
        .catch((err: unknown) => {
          opts.log.warn(
            { err: err instanceof Error ? err.message : String(err), why },
            'replica: reconciling Caddy failed; trying again shortly',
          );
        });
      return tail;
    },
  };
}
