/**
 * The three ways the config changes, each under the apply mutex: save an edited config (PUT, key
 * create/revoke) with the If-Match check, and re-apply the file as it is on disk (after a hand
 * edit). An edit that validates to the stored config is a no-op: nothing is written or reloaded.
 */
import type { Config } from '../../common/config/schema.js';
import { validateConfig } from '../../common/config/validate.js';
import type { Applier, Applied, StepRecord } from '../apply/transaction.js';
import type { ConfigStore, StoredConfig } from './store.js';
import { ifMatchAccepts } from './store.js';
import { canonicalJson, configFileText, invalidConfig, prepareConfig, validatedOrUndefined } from './edit.js';
import { ConfigUnreadableError, IfMatchRequiredError, StaleConfigError } from '../errors.js';

/** A save that changed nothing. */
export interface Unchanged {
  unchanged: true;
  etag: string;
}

/** Result of a save: applied, or identical to what is stored. */
export type SaveResult = Applied | Unchanged;

/** How a save checks the client's view of the config. */
export interface SaveOptions {
  ifMatch: string | undefined;
  /** PUT requires If-Match (428 without); the key endpoints accept it but do not need it. */
  requireIfMatch: boolean;
  /** Told the stored and the new raw config once a change is applied (for the audit log). */
  onApplied?: (before: unknown, after: unknown) => void;
}

/** Reads config.json or answers 500 with why it cannot be read. */
export async function readStored(store: ConfigStore): Promise<StoredConfig> {
  try {
    return await store.read();
  } catch (err) {
    throw new ConfigUnreadableError(
      `Cannot read ${store.configFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}. Run init to create it.`,
    );
  }
}

function sameConfig(a: Config, b: Config | undefined): boolean {
  return b !== undefined && canonicalJson(a) === canonicalJson(b);
}

/**
 * Reads the stored config, checks If-Match, builds the next config with `edit` (given the stored
 * JSON), hashes and validates it, and applies it unless it equals the stored one.
 */
export function saveEdited(
  applier: Applier,
  store: ConfigStore,
  edit: (storedRaw: unknown) => unknown,
  opts: SaveOptions,
): Promise<SaveResult> {
  if (opts.requireIfMatch && !opts.ifMatch) return Promise.reject(new IfMatchRequiredError());
  // The If-Match check runs inside the mutex: of two concurrent saves made from the same ETag, the
  // second sees the first one's file and gets 412 instead of silently overwriting it.
  return applier.exclusive(async () => {
    const stored = await readStored(store);
    if (opts.ifMatch && !ifMatchAccepts(opts.ifMatch, stored.etag)) throw new StaleConfigError();
    const started = performance.now();
    // config.json that is not even JSON: edits start from the last good config (what the proxy
    // serves meanwhile), so masked secrets sent back by the UI still find their values.
    const base = stored.raw ?? (await store.readLastGood())?.raw;
    const next = await prepareConfig(edit(base));
    const validate: StepRecord = { name: 'validate', ok: true, ms: Math.round(performance.now() - started) };
    if (sameConfig(next.config, validatedOrUndefined(stored.raw))) return { unchanged: true, etag: stored.etag };
    const applied = await applier.commit({
      config: next.config,
      configText: configFileText(next.raw),
      steps: [validate],
    });
    opts.onApplied?.(stored.raw, next.raw);
    return applied;
  });
}

/** Re-renders and re-applies config.json as it is on disk (written by hand, or after a Caddy restart). */
export function reapplyStored(applier: Applier, store: ConfigStore): Promise<Applied> {
  return applier.exclusive(async () => {
    const stored = await readStored(store);
    if (stored.raw === undefined)
      invalidConfig([{ path: '', message: `is not valid JSON (${stored.parseError ?? 'unexpected token'})` }]);
    const started = performance.now();
    const result = validateConfig(stored.raw);
    if (!result.ok) invalidConfig(result.issues, 'The config on disk is invalid; see issues.');
    const validate: StepRecord = { name: 'validate', ok: true, ms: Math.round(performance.now() - started) };
    return applier.commit({ config: result.config, configText: null, steps: [validate], forceLoad: true });
  });
}
