/**
 * Secrets in the config: the admin API masks them, the UI never renders them, and a diff or a
 * summary shows only whether one is kept or new.
 */
import { pointerSegments } from './json-pointer.js';
import { t } from './i18n.js';

/** What the admin API shows instead of a secret; sending it back keeps the stored value. */
export const MASK = '********';

/** Whether the field at `path` holds a secret (never rendered, never shown in a diff). */
export function isSecretPath(path: string): boolean {
  const segs = pointerSegments(path);
  const last = segs[segs.length - 1] ?? '';
  if (['apiKey', 'clientSecret', 'password', 'passwordHash', 'healthKey', 'connectionString'].includes(last))
    return true;
  return segs[0] === 'apiKeys' && (last === 'key' || last === 'keyHash');
}

/** A readable form of a JSON value for diffs and summaries (secrets hidden). */
export function showValue(path: string, v: unknown): string {
  if (v === undefined) return t('diff.unset');
  if (isSecretPath(path) || (typeof v === 'object' && v !== null && JSON.stringify(v).includes(MASK))) {
    if (v === MASK) return t('diff.secretKept');
    if (typeof v === 'string') return t('diff.secretNew');
  }
  // A list of plain values reads as a list; everything else as JSON. Never cut: the review must show
  // the whole value that will be applied (long ones wrap).
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v.join(', ');
  if (typeof v === 'string') return v === '' ? '""' : v;
  return JSON.stringify(v, (k, val: unknown) => (isSecretPath(`/${k}`) && typeof val === 'string' ? '••••' : val));
}
