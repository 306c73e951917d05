/** A list the admin API answers as `{ data: [...] }` (keys, teams): loading, failed, or its items. */
import { getJson, isRecord } from '../api.js';
import type { Self } from '../component.js';

type Json = Record<string, unknown>;

/** The state of such a list. */
export type ListState = { phase: 'loading' } | { phase: 'failed'; error: unknown } | { phase: 'ready'; items: Json[] };

/** Fetches `path` (below /admin/api) into `list`. */
export async function loadList(list: Self<{ list: ListState }>, path: string, signal: AbortSignal): Promise<void> {
  try {
    const res = await getJson<Json>(path, signal);
    if (!signal.aborted)
      list.set({ list: { phase: 'ready', items: Array.isArray(res.data) ? res.data.filter(isRecord) : [] } });
  } catch (error) {
    if (!signal.aborted) list.set({ list: { phase: 'failed', error } });
  }
}
