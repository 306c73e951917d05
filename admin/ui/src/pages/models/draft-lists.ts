/** The lists of the config the Models page edits, read from the draft or the stored config. */
import { isRecord } from '../../api.js';
import { config } from '../../config-state.js';

type Json = Record<string, unknown>;

/** The objects of the draft's array at `path`. */
export function draftList(path: string): Json[] {
  const v = config.get(path);
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

/** The upstreams' names in the draft. */
export function upstreamNames(): string[] {
  return draftList('/upstreams')
    .map((u) => String(u.name ?? ''))
    .filter(Boolean);
}

/** The objects of the stored config's top-level array `key` (what the proxy runs). */
export function storedList(key: 'models' | 'upstreams'): Json[] {
  const v = config.original?.[key];
  return Array.isArray(v) ? v.filter(isRecord) : [];
}
