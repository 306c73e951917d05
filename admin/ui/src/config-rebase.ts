/**
 * Putting the user's edits on top of a newer stored config (after a 412, or after keys changed
 * through the key endpoints): each top-level section the draft changed, and each part of
 * `server`, replaces the latest one; everything else, and always `apiKeys` (edited only through
 * the key endpoints), comes from the latest.
 */
import { isRecord } from './api.js';
import { same } from './config-diff.js';

type Json = Record<string, unknown>;

/** The latest config with the sections that `mine` changed from `before` taken from `mine`. */
export function rebaseEdits(before: Json, mine: Json, latest: Json): Json {
  const next = structuredClone(latest);
  for (const k of Object.keys({ ...before, ...mine })) {
    if (k === 'apiKeys') continue;
    if (k === 'server' && isRecord(before.server) && isRecord(mine.server)) {
      const server = isRecord(next.server) ? next.server : (next.server = {});
      for (const sk of Object.keys({ ...before.server, ...mine.server })) {
        if (!same(before.server[sk], mine.server[sk])) server[sk] = structuredClone(mine.server[sk]);
      }
    } else if (!same(before[k], mine[k])) {
      next[k] = structuredClone(mine[k]);
    }
  }
  return next;
}
