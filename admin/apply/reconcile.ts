/**
 * Keeps Caddy, the Caddyfile and config.json in agreement when something other than a save
 * through the API changed them: the admin killed between writing the files and loading Caddy,
 * or config.json edited by hand (the proxy picks that up by itself within seconds — Caddy must
 * follow, or a rotated health key would turn into 503s once the proxy's grace for the old key
 * ends). At start, and whenever config.json changes, the rendered Caddyfile is compared with the
 * file on disk and with what Caddy runs; a difference is re-applied through the normal
 * transaction. Nothing is applied when everything agrees.
 */
import { isDeepStrictEqual } from 'node:util';
import type { FastifyBaseLogger } from 'fastify';
import { validateConfig } from '../../common/config/validate.js';
import type { Config } from '../../common/config/schema.js';
import type { Applier } from './transaction.js';
import type { CaddyClient } from '../caddy/client.js';
import type { ConfigStore } from '../config/store.js';
import { reapplyStored } from '../config/saves.js';
import { renderCaddyfile, type CaddyRenderEnv } from '../caddy/caddyfile-render.js';

export interface ReconcilerOptions {
  store: ConfigStore;
  applier: Applier;
  caddy: CaddyClient;
  renderEnv: CaddyRenderEnv;
  log: FastifyBaseLogger;
  intervalMs?: number;
  /** Renders the Caddyfile as the applier does (the staged bridge while a change is pending). */
  render?: (config: Config) => string;
}

/** How long to wait for Caddy's admin API at start (supervisord starts Caddy after the admin). */
export const CADDY_WAIT_MS = 60_000;

/** Starts reconciling; returns a function that stops it. */
export function startReconciler(opts: ReconcilerOptions): () => void {
  let lastSeenText: string | undefined;
  let checkedCaddy = false;
  let running = false;
  const startedAt = Date.now();

  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const stored = await opts.store.read();
      if (checkedCaddy && stored.text === lastSeenText) return;
      const valid = stored.raw === undefined ? undefined : validateConfig(stored.raw);
      if (!valid?.ok) {
        if (stored.text !== lastSeenText)
          opts.log.error({}, 'config.json on disk is invalid; Caddy keeps its current config until it is fixed');
        lastSeenText = stored.text;
        return;
      }
      const rendered = opts.render ? opts.render(valid.config) : renderCaddyfile(valid.config, opts.renderEnv);
      const onDisk = await opts.store.readCaddyfile();
      let caddyAgrees = true;
      if (!checkedCaddy) {
        // At start: does Caddy run what config.json says? (A crash may have left it behind.)
        try {
          const [adapted, running] = await Promise.all([opts.caddy.adapt(rendered), opts.caddy.config()]);
          caddyAgrees = isDeepStrictEqual(adapted.result, running);
        } catch (err) {
          if (Date.now() - startedAt < CADDY_WAIT_MS) return; // Caddy not up yet: try again next tick.
          opts.log.warn({ err: String(err) }, 'Caddy admin API not answering; reconciling the files only');
        }
        checkedCaddy = true;
      }
      if (rendered !== onDisk || !caddyAgrees) {
        opts.log.warn(
          { caddyfileOnDiskDiffers: rendered !== onDisk, caddyRunningDiffers: !caddyAgrees },
          'config.json, the Caddyfile and Caddy disagree; re-applying config.json',
        );
        await reapplyStored(opts.applier, opts.store);
      }
      lastSeenText = (await opts.store.read()).text;
    } catch (err) {
      opts.log.error(
        { err: err instanceof Error ? err.message : String(err) },
        'reconciling the config failed; will try again when config.json changes',
      );
      lastSeenText = (await opts.store.read().catch(() => undefined))?.text;
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), opts.intervalMs ?? 5_000);
  timer.unref();
  return () => clearInterval(timer);
}
