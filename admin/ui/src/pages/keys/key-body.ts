/**
 * A key's form and its request bodies: the inputs' text for a listed key (to edit it), the body
 * of `POST /admin/api/keys` for a new one, and the body of `PATCH /admin/api/keys/{id}` with only
 * what changed (`null` clears a field). The expiry is typed in the browser's local time and sent
 * as ISO 8601 UTC. DOM-free, so unit tests import it.
 */
import type { Issue } from '../../api.js';
import {
  changedFields,
  ENTRY_ID,
  governanceBody,
  governanceValues,
  type EntryBody,
  type GovernanceValues,
} from '../../governance-values.js';
import { t } from '../../i18n.js';

type Json = Record<string, unknown>;

/** What a key's inputs hold, as typed or chosen. */
export interface KeyValues extends GovernanceValues {
  label: string;
  /** Only when creating: empty lets the server choose one. */
  id: string;
  models: string[];
  /** A team id, or '' for none. */
  team: string;
  owner: string;
  /** Tags separated by commas. */
  tags: string;
  /** A `datetime-local` value (local time, no zone), or ''. */
  expires: string;
}

/** The fields a key's form edits, in the order of the body. */
const EDITED = ['label', 'models', 'team', 'owner', 'tags', 'expiresAt', 'limits', 'budget'] as const;

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as a `datetime-local` value in the browser's time zone ('' for none or junk). */
export function expiryInput(iso: unknown): string {
  const d = typeof iso === 'string' ? new Date(iso) : undefined;
  if (!d || Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` value (local time) as ISO 8601 UTC without milliseconds; undefined when unreadable. */
export function expiryIso(local: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(local)) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** "batch, eu ,, batch" as ["batch", "eu"]. */
export function tagList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,，]/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

/** The inputs' text for a listed key. */
export function keyValues(key: Json): KeyValues {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    label: str(key.label),
    id: str(key.id),
    models: Array.isArray(key.models) ? key.models.map(String) : [],
    team: str(key.team),
    owner: str(key.owner),
    tags: Array.isArray(key.tags) ? key.tags.map(String).join(', ') : '',
    expires: expiryInput(key.expiresAt),
    ...governanceValues(key),
  };
}

/** Every edited field for what was typed (undefined: not set). */
function fields(v: KeyValues): { values: Record<(typeof EDITED)[number], unknown>; problems: Issue[] } {
  const gov = governanceBody(v);
  const problems = [...gov.problems];
  let expiresAt: string | undefined;
  if (v.expires.trim() !== '') {
    expiresAt = expiryIso(v.expires.trim());
    if (!expiresAt) problems.push({ path: '/expiresAt', message: t('keys.expiresInvalid') });
  }
  const tags = tagList(v.tags);
  return {
    values: {
      label: v.label.trim() || undefined,
      models: v.models.length ? v.models : undefined,
      team: v.team || undefined,
      owner: v.owner.trim() || undefined,
      tags: tags.length ? tags : undefined,
      expiresAt,
      limits: gov.limits,
      budget: gov.budget,
    },
    problems,
  };
}

/** The body of `POST /admin/api/keys`: only the fields that are set (no id: the server makes one). */
export function newKeyBody(v: KeyValues): EntryBody {
  const { values, problems } = fields(v);
  const body: Json = {};
  const id = v.id.trim();
  if (id && !ENTRY_ID.test(id)) problems.unshift({ path: '/id', message: t('keys.idInvalid') });
  if (id) body.id = id;
  for (const f of EDITED) if (values[f] !== undefined) body[f] = values[f];
  return { body, problems };
}

/** The body of `PATCH /admin/api/keys/{id}` from the listed key `before`: the changed fields, `null` for a cleared one. */
export function keyEditBody(before: Json, v: KeyValues): EntryBody {
  const { values, problems } = fields(v);
  return { body: changedFields(before, values), problems };
}

/** The units a rotation's grace period is typed in, in seconds. */
export const GRACE_UNITS = { minutes: 60, hours: 3600, days: 86_400 } as const;
/** A grace period's unit. */
export type GraceUnit = keyof typeof GRACE_UNITS;
/** The longest grace period the server accepts: 30 days. */
export const MAX_GRACE_SECONDS = 30 * 86_400;

/** The `graceSeconds` of a rotation for what was typed (empty: 0, the old secret stops at once); undefined when not 0 to 30 days. */
export function graceSeconds(amount: string, unit: GraceUnit): number | undefined {
  const raw = amount.trim();
  if (raw === '') return 0;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) return undefined;
  const seconds = Math.round(n * GRACE_UNITS[unit]);
  return seconds <= MAX_GRACE_SECONDS ? seconds : undefined;
}
