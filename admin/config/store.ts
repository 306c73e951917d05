/**
 * config.json and the rendered Caddyfile in DATA_DIR: reading the config with its ETag (sha256 of
 * the file text), writing both files atomically with the previous version kept as `.bak`, and
 * putting back exactly what was there before when an apply fails.
 */
import { jsonErrorPosition } from '../../common/config/load.js';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../common/atomic-write.js';
import { lastGoodFile } from '../../common/config/last-good.js';
import { validateConfig } from '../../common/config/validate.js';

/** Both files carry secrets (upstream api-keys; the health key in `health_headers`): owner only. */
const FILE_MODE = 0o600;

/** config.json as read: its text, ETag and parsed JSON (undefined when it is not JSON). */
export interface StoredConfig {
  text: string;
  etag: string;
  raw: unknown;
  /** Why `raw` is undefined. */
  parseError?: string;
}

/** The four files an apply may change, as they were (null = absent), for a rollback. */
export interface FilesSnapshot {
  config: string | null;
  configBak: string | null;
  caddyfile: string | null;
  caddyfileBak: string | null;
}

/** The ETag of a config text: a strong validator, quoted as RFC 9110 §8.8.3 requires. */
export function etagOf(text: string): string {
  return `"${createHash('sha256').update(text, 'utf8').digest('hex')}"`;
}

/** True when an `If-Match` header value names `etag` (or is `*`); weak tags never match (RFC 9110 §13.1.1). */
export function ifMatchAccepts(header: string, etag: string): boolean {
  return header
    .split(',')
    .map((t) => t.trim())
    .some((t) => t === '*' || t === etag || (!t.startsWith('"') && !t.startsWith('W/') && `"${t}"` === etag));
}

async function readOrNull(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Puts `file` back to `text` (null = absent); false when it already is. A file that was never
 * replaced is not written again: after a write that failed on a full disk, writing it again would
 * fail the same way and report a rollback failure for files that never changed.
 */
async function putBack(file: string, text: string | null): Promise<boolean> {
  if ((await readOrNull(file)) === text) return false;
  if (text === null) await fs.rm(file, { force: true });
  else await writeFileAtomic(file, text, { mode: FILE_MODE });
  return true;
}

/** The admin service's view of DATA_DIR's config files. */
export class ConfigStore {
  readonly configFile: string;
  readonly caddyfile: string;

  constructor(readonly dataDir: string) {
    this.configFile = path.join(dataDir, 'config.json');
    this.caddyfile = path.join(dataDir, 'Caddyfile');
  }

  /** Reads config.json; throws when it cannot be read (a missing file is an init problem). */
  async read(): Promise<StoredConfig> {
    const text = await fs.readFile(this.configFile, 'utf8');
    try {
      return { text, etag: etagOf(text), raw: JSON.parse(text) as unknown };
    } catch (err) {
      // Only where the mistake is: V8's message quotes the text around it, which may be a secret.
      return { text, etag: etagOf(text), raw: undefined, parseError: jsonErrorPosition(text, err) };
    }
  }

  /**
   * The last good config (config.last-good.json, which the proxy keeps after every config it
   * applied), when it exists and validates: what the admin falls back on while config.json is
   * broken, so the operator can still log in and repair it.
   */
  async readLastGood(): Promise<{ text: string; raw: Record<string, unknown> } | undefined> {
    const text = await readOrNull(lastGoodFile(this.configFile)).catch(() => null);
    if (text === null) return undefined;
    try {
      const raw: unknown = JSON.parse(text);
      if (!validateConfig(raw).ok || !raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
      return { text, raw: raw as Record<string, unknown> };
    } catch {
      return undefined;
    }
  }

  /** The current Caddyfile text, or null when there is none yet. */
  readCaddyfile(): Promise<string | null> {
    return readOrNull(this.caddyfile);
  }

  /** What `write` may change, so `restore` can put it back. */
  async snapshot(): Promise<FilesSnapshot> {
    const [config, configBak, caddyfile, caddyfileBak] = await Promise.all(
      [this.configFile, `${this.configFile}.bak`, this.caddyfile, `${this.caddyfile}.bak`].map(readOrNull),
    );
    return {
      config: config ?? null,
      configBak: configBak ?? null,
      caddyfile: caddyfile ?? null,
      caddyfileBak: caddyfileBak ?? null,
    };
  }

  /** Writes the Caddyfile and (unless null) config.json atomically, each keeping its previous version as `.bak`. */
  async write(configText: string | null, caddyfileText: string): Promise<void> {
    // The Caddyfile first: supervisord restarts Caddy from the file (docs/architecture.md, "Write the Caddyfile before loading it"), and a
    // config.json without its Caddyfile is the worse half-state if the second write fails.
    await writeFileAtomic(this.caddyfile, caddyfileText, { mode: FILE_MODE, backup: true });
    if (configText !== null) await writeFileAtomic(this.configFile, configText, { mode: FILE_MODE, backup: true });
  }

  /**
   * Puts the files of `snap` back as they were (absent ones are removed again); config.json only
   * if `withConfig`. Returns the names of the files that had changed and were put back.
   */
  async restore(snap: FilesSnapshot, withConfig: boolean): Promise<string[]> {
    const files: [string, string | null][] = [
      [this.caddyfile, snap.caddyfile],
      [`${this.caddyfile}.bak`, snap.caddyfileBak],
    ];
    if (withConfig) files.unshift([this.configFile, snap.config], [`${this.configFile}.bak`, snap.configBak]);
    const restored: string[] = [];
    for (const [file, text] of files) if (await putBack(file, text)) restored.push(path.basename(file));
    return restored;
  }
}
