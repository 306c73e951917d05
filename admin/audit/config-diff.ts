/**
 * What a config change changed, for the audit log: the leaves that differ between two configs,
 * by JSON pointer, with secrets already masked by the caller. Lists are compared by position,
 * except the named lists (keys, teams, upstreams, models), compared by their id, so adding one
 * key reads as one addition rather than a shift of every later entry.
 */

/** One changed setting. */
export interface ConfigChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

/** The most changes one entry lists; the rest are counted. */
export const MAX_CHANGES = 200;
const ID_FIELD: Record<string, string> = { apiKeys: 'id', teams: 'id', models: 'id', upstreams: 'name' };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const escape = (k: string) => k.replaceAll('~', '~0').replaceAll('/', '~1');

function keyed(list: unknown[], field: string): Map<string, unknown> | undefined {
  const out = new Map<string, unknown>();
  for (const item of list) {
    if (!isRecord(item) || typeof item[field] !== 'string' || out.has(item[field])) return undefined;
    out.set(item[field], item);
  }
  return out;
}

function walk(a: unknown, b: unknown, path: string, out: ConfigChange[]): void {
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  if (isRecord(a) && isRecord(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) walk(a[k], b[k], `${path}/${escape(k)}`, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const field = ID_FIELD[path.slice(1)];
    const ka = field ? keyed(a, field) : undefined;
    const kb = field ? keyed(b, field) : undefined;
    if (ka && kb) {
      for (const id of new Set([...ka.keys(), ...kb.keys()])) walk(ka.get(id), kb.get(id), `${path}[${id}]`, out);
      return;
    }
    for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}/${i}`, out);
    return;
  }
  out.push({ path: path || '/', ...(a === undefined ? {} : { before: a }), ...(b === undefined ? {} : { after: b }) });
}

/** The changes from `before` to `after` (both masked), at most MAX_CHANGES, and how many in all. */
export function configDiff(before: unknown, after: unknown): { changes: ConfigChange[]; total: number } {
  const all: ConfigChange[] = [];
  walk(before, after, '', all);
  return { changes: all.slice(0, MAX_CHANGES), total: all.length };
}
