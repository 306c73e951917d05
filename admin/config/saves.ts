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
import { ConfigUnreadableError, IfMatchRequiredError, StagedChangePendingError, StaleConfigError } from '../errors.js';
import { isDeepStrictEqual } from 'node:util';
import { notReadyIssues } from './readiness-issues.js';
import { accessFieldsOf, stagingNeeds } from '../apply/access-change.js';
import type { Staging, StagedSave } from '../apply/staging.js';
import { CaddyfileRenderError } from '../caddy/caddyfile-render.js';

/** A save that changed nothing. */
export interface Unchanged {
  unchanged: true;
  etag: string;
}

/** Result of a save: applied, or identical to what is stored. */
export type SaveResult = Applied | Unchanged | StagedSave;

/** How a save checks the client's view of the config. */
export interface SaveOptions {
  ifMatch: string | undefined;
  /** PUT requires If-Match (428 without); the key endpoints accept it but do not need it. */
  requireIfMatch: boolean;
  /** Told the stored and the new raw config once a change is applied (for the audit log). */
  onApplied?: (before: unknown, after: unknown) => void;
  /** Stage a change of domains, TLS or public ports instead of applying it at once (the config PUT). */
  staging?: Staging;
  /** The address the request was made to (Host), recorded with a staged change. */
  openedOn?: string;
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
    const before = validatedOrUndefined(stored.raw);
    if (sameConfig(next.config, before)) return { unchanged: true, etag: stored.etag };
    // Refuse what would make the proxy not ready, unless the stored config is already so (a key
    // created meanwhile must not be blocked by an upstream it does not touch).
    const known = new Set(before ? notReadyIssues(before).map((i) => i.path) : []);
    const notReady = notReadyIssues(next.config).filter((i) => !known.has(i.path));
    if (notReady.length) invalidConfig(notReady, 'This change would make the gateway not ready; see issues.');
    if (opts.staging && before && !isDeepStrictEqual(accessFieldsOf(before), accessFieldsOf(next.config))) {
      const pending = opts.staging.changes.pending();
      if (pending) throw new StagedChangePendingError(`started ${pending.startedAt}`);
      const needs = stagingNeedsOrIssues(opts.staging, before, next.config);
      if (needs) {
        const staged = await opts.staging.stage(stored.raw, before, next, needs, [validate], opts.openedOn);
        opts.onApplied?.(stored.raw, next.raw);
        return staged;
      }
    }
    const applied = await applier.commit({
      config: next.config,
      configText: configFileText(next.raw),
      steps: [validate],
    });
    opts.onApplied?.(stored.raw, next.raw);
    return applied;
  });
}

function stagingNeedsOrIssues(staging: Staging, before: Config, after: Config) {
  try {
    return stagingNeeds(before, after, staging.renderEnv);
  } catch (err) {
    if (err instanceof CaddyfileRenderError)
      invalidConfig(err.issues, 'The Caddyfile cannot be rendered from this config; see issues.');
    throw err;
  }
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
