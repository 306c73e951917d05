/**
 * Reading config.json into a frozen, validated snapshot. A reload builds a whole new snapshot
 * and swaps it; nothing ever mutates one in place.
 */
import { promises as fs } from 'node:fs';
import { validateConfig } from './validate.js';
import { ConfigInvalidError, type ConfigIssue } from './errors.js';
import type { Config } from './schema.js';

/** A validated config plus what the loader wants the operator to know about it. */
export interface LoadedConfig {
  config: Readonly<Config>;
  /** Settings of the original format that are accepted but have no effect here. */
  warnings: ConfigIssue[];
  /** The file's text, so a reload of identical content can be a no-op. */
  text: string;
}

/** Parses and validates config text; throws ConfigInvalidError with every problem. */
export function parseConfigText(text: string): LoadedConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigInvalidError([{ path: '', message: `is not valid JSON (${jsonErrorPosition(text, err)})` }]);
  }
  const result = validateConfig(raw);
  if (!result.ok) throw new ConfigInvalidError(result.issues);
  return { config: deepFreeze(result.config), warnings: ignoredSettings(result.config), text };
}

/** Reads and validates `file`. */
export async function loadConfigFile(file: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigInvalidError([
      { path: '', message: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` },
    ]);
  }
  return parseConfigText(text);
}

// These original fields are accepted so an old file loads (docs/architecture.md, "Config contract"), but ports and hosts now
// come from the runtime contract; say so instead of silently ignoring them.
function ignoredSettings(config: Config): ConfigIssue[] {
  const warnings: ConfigIssue[] = [];
  const ignored = (path: string, message: string) => warnings.push({ path, message });
  if (config.server.host !== undefined) ignored('/server/host', 'ignored: the proxy always listens on 127.0.0.1');
  if (config.server.port !== undefined) ignored('/server/port', 'ignored: the proxy port comes from PROXY_PORT');
  if (config.server.caddy.upstreamHost !== undefined)
    ignored('/server/caddy/upstreamHost', 'ignored: Caddy always reaches the proxy on 127.0.0.1');
  if (config.server.caddy.upstreamPort !== undefined)
    ignored('/server/caddy/upstreamPort', 'ignored: Caddy reaches the proxy on PROXY_PORT');
  return warnings;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Where a JSON syntax error is, without its text: Node quotes a slice of the source in these
 * messages, and that slice may contain a secret.
 */
export function jsonErrorPosition(text: string, err: unknown): string {
  const m = /position (\d+)/.exec(err instanceof Error ? err.message : '');
  if (!m)
    return /end of JSON/i.test(err instanceof Error ? err.message : '') ? 'it ends too early' : 'unexpected token';
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `syntax error at line ${line}, column ${column}`;
}
