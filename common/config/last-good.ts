/**
 * The last config known to work, kept beside config.json as `config.last-good.json`. The proxy
 * writes it whenever it has applied config.json whole (at start and on every reload); a process
 * that finds config.json unusable — truncated, hand-edited into invalid JSON, or valid but
 * impossible to apply — starts from it instead of stopping the stack, and says so loudly, so the
 * admin can still log in and repair the file (docs/hardening.md, "A bad config on disk").
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import { loadConfigFile, type LoadedConfig } from './load.js';

/** The file name of the last good config, in the same directory as config.json. */
export const LAST_GOOD_NAME = 'config.last-good.json';

/** Where the last good config of `configFile` is kept. */
export function lastGoodFile(configFile: string): string {
  return path.join(path.dirname(configFile), LAST_GOOD_NAME);
}

/** Keeps `text` as the last good config of `configFile` (atomically, owner-only: it holds secrets), unless it already is. */
export async function keepLastGood(configFile: string, text: string): Promise<void> {
  const file = lastGoodFile(configFile);
  const current = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (current === text) return;
  await writeFileAtomic(file, text, { mode: 0o600 });
}

/** The last good config of `configFile`, validated; undefined when there is none or it is not valid either. */
export async function loadLastGood(configFile: string): Promise<LoadedConfig | undefined> {
  try {
    return await loadConfigFile(lastGoodFile(configFile));
  } catch {
    return undefined;
  }
}
