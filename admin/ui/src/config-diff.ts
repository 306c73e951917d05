/**
 * What changed between the stored config and the draft, for the review before an apply: deep
 * equality of JSON values and a leaf-by-leaf diff where arrays of named items (models by `id`,
 * upstreams by `name`) are matched by name, so a removed item is one removal, not a shift.
 */
import { isRecord } from './api.js';
import { pointer } from './json-pointer.js';

/** One difference between the stored config and the draft. */
export interface Change {
  /** JSON pointer in the draft (or in the stored config for a removal). */
  path: string;
  /** Readable location: array items named by their `id` / `name`. */
  label: string[];
  kind: 'added' | 'removed' | 'changed';
  before: unknown;
  after: unknown;
}

/** Deep equality of JSON values (a key holding `undefined` counts as absent). */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => same(v, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => same(a[k], b[k]));
  }
  return false;
}

function identity(v: unknown): string | undefined {
  if (!isRecord(v)) return undefined;
  if (typeof v.id === 'string') return v.id;
  if (typeof v.name === 'string') return v.name;
  return undefined;
}

/** The changes from `a` to `b`, leaf by leaf; arrays of named items are matched by name. */
export function diff(a: unknown, b: unknown, path = '', label: string[] = []): Change[] {
  if (same(a, b)) return [];
  if (a === undefined) return [{ path, label, kind: 'added', before: undefined, after: b }];
  if (b === undefined) return [{ path, label, kind: 'removed', before: a, after: undefined }];
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => diff(a[k], b[k], `${path}${pointer(k)}`, [...label, k]));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const named = [...a, ...b].every((v) => identity(v) !== undefined);
    if (named) {
      const out: Change[] = [];
      const before = new Map(a.map((v, i) => [identity(v), i]));
      b.forEach((v, i) => {
        const j = before.get(identity(v));
        out.push(...diff(j === undefined ? undefined : a[j], v, `${path}/${i}`, [...label, identity(v) ?? String(i)]));
      });
      const after = new Set(b.map(identity));
      a.forEach((v, i) => {
        if (!after.has(identity(v)))
          out.push({
            path: `${path}/${i}`,
            label: [...label, identity(v) ?? String(i)],
            kind: 'removed',
            before: v,
            after: undefined,
          });
      });
      return out;
    }
  }
  return [{ path, label, kind: 'changed', before: a, after: b }];
}

/**
 * The leaves of a change, for a field-by-field review: an added or removed object (a new model, a
 * removed upstream) becomes one change per value it holds, each with its own path.
 */
export function leafChanges(c: Change): Change[] {
  const value = c.kind === 'removed' ? c.before : c.after;
  const entries: [string, unknown][] = isRecord(value)
    ? Object.entries(value)
    : Array.isArray(value) && value.some((v) => isRecord(v) || Array.isArray(v))
      ? value.map((v, i) => [String(i), v])
      : [];
  if (c.kind === 'changed' || entries.length === 0) return [c];
  return entries
    .filter(([, v]) => v !== undefined)
    .flatMap(([k, v]) =>
      leafChanges({
        path: `${c.path}${pointer(k)}`,
        label: [...c.label, k],
        kind: c.kind,
        before: c.kind === 'removed' ? v : undefined,
        after: c.kind === 'added' ? v : undefined,
      }),
    );
}

/** Where a change is, as the review shows it ("models › gpt-4o › upstream"). */
export function changePlace(c: Change): string {
  return c.label.join(' › ') || '/';
}
