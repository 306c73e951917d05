/**
 * Files and batches belong to the Azure resource that made them, and to the client key that
 * made them through the gateway: each id is pinned to both (like `resp_…` ids, in a map of the
 * same kind, persisted in DATA_DIR). Another key's ids do not exist for a caller: it gets the
 * 404 an unknown id gets, so ids cannot be probed. Azure itself makes some files (a batch's
 * output and error files); they are pinned when a batch answer names them.
 */
import type { AffinityEntry } from './response-affinity.js';

/** Where pins are kept: embedded in DATA_DIR, or in Redis for every replica (docs/shared-state.md). */
export interface ObjectPins {
  remember(id: string, entry: Omit<AffinityEntry, 'at'>): void;
  find(id: string): Promise<AffinityEntry | undefined>;
  forget(id: string): void;
}

// Azure's ids: file-<hex>, batch_<hex>, assistant-<…>; nothing that could break out of a path.
const SAFE_ID = /^[A-Za-z0-9_.-]{1,256}$/;
// The fields of a file or batch object that name ids made on the same resource.
const ID_FIELDS = ['id', 'output_file_id', 'error_file_id'] as const;

/** The upstream holding `id` when `owner` made it; undefined for unknown ids and other keys' ids. */
export async function ownedUpstream(pins: ObjectPins, id: string, owner: string): Promise<string | undefined> {
  if (!SAFE_ID.test(id)) return undefined;
  const entry = await pins.find(id);
  return entry && entry.owner === owner ? entry.upstream : undefined;
}

/** Pins the ids a file or batch object names to `upstream` and `owner`. */
export function pinObject(pins: ObjectPins, object: unknown, upstream: string, owner: string): void {
  if (!object || typeof object !== 'object') return;
  const fields = object as Record<string, unknown>;
  for (const field of ID_FIELDS) {
    const id = fields[field];
    if (typeof id === 'string' && SAFE_ID.test(id)) pins.remember(id, { upstream, deployment: '', model: '', owner });
  }
}

/**
 * A list answer (`{object: "list", data: [...]}`) cut down to the objects `owner` made on
 * `upstream`, whose own file ids are pinned on the way; first_id and last_id follow the items kept.
 */
export async function ownedList(pins: ObjectPins, list: unknown, upstream: string, owner: string): Promise<unknown> {
  if (!list || typeof list !== 'object' || !Array.isArray((list as { data?: unknown }).data)) return list;
  const page = list as Record<string, unknown> & { data: unknown[] };
  const owned = await Promise.all(
    page.data.map(async (item) => {
      const id = item && typeof item === 'object' ? (item as { id?: unknown }).id : undefined;
      return typeof id === 'string' && (await ownedUpstream(pins, id, owner)) === upstream;
    }),
  );
  const data = page.data.filter((_, i) => owned[i]);
  for (const item of data) pinObject(pins, item, upstream, owner);
  const ids = data.map((item) => (item as { id: string }).id);
  const out: Record<string, unknown> = { ...page, data };
  if ('first_id' in page) out.first_id = ids[0] ?? null;
  if ('last_id' in page) out.last_id = ids.at(-1) ?? null;
  return out;
}
