/**
 * The audit log as `GET /admin/api/audit` answers it, narrowed for the Audit page: the entries
 * (who, when, from where, what, on what, with which outcome, and the settings that changed) and
 * whether the hash chain holds (docs/governance.md, "Audit log"). Secrets arrive masked. DOM-free,
 * so unit tests import it.
 */
import { isRecord } from '../../api.js';
import { hasKey, t, type MsgKey } from '../../i18n.js';

type Json = Record<string, unknown>;

/** One changed setting, its values as text. */
export interface ChangeLine {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before: string;
  after: string;
}

/** One audit entry. */
export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  ip: string;
  action: string;
  /** The key or team acted on (for a creation, the id it was given). */
  target: string;
  outcome: number;
  changes: ChangeLine[];
  /** Changes not listed (the log keeps the first 200 of a large apply). */
  moreChanges: number;
  /** Other recorded facts (rotation grace period…), as text. */
  facts: [string, string][];
}

/** Whether the chain holds, and where it breaks. */
export interface ChainState {
  intact: boolean;
  entries: number;
  brokenAt?: number;
  reason?: string;
}

/** The page's data. */
export interface AuditLog {
  entries: AuditEntry[];
  chain: ChainState;
}

/** A recorded value as one line of text: strings as they are, the rest as JSON. */
export function valueText(v: unknown): string {
  if (typeof v === 'string') return v;
  return JSON.stringify(v) ?? String(v);
}

/** The changes recorded in an entry's `details`. */
export function changeLines(details: unknown): ChangeLine[] {
  const changes = isRecord(details) && Array.isArray(details.changes) ? details.changes.filter(isRecord) : [];
  return changes.map((c) => {
    const has = (k: string) => Object.hasOwn(c, k) && c[k] !== undefined;
    const kind = !has('before') ? 'added' : !has('after') ? 'removed' : 'changed';
    return {
      path: typeof c.path === 'string' ? c.path : '',
      kind,
      before: has('before') ? valueText(c.before) : '',
      after: has('after') ? valueText(c.after) : '',
    };
  });
}

const FACT_SKIPPED = new Set(['changes', 'changeCount', 'keyId', 'teamId']);

/** Narrows one entry. */
export function auditEntry(e: Json): AuditEntry {
  const details = isRecord(e.details) ? e.details : {};
  const changes = changeLines(details);
  const count = typeof details.changeCount === 'number' ? details.changeCount : changes.length;
  const created =
    typeof details.keyId === 'string' ? details.keyId : typeof details.teamId === 'string' ? details.teamId : '';
  return {
    seq: typeof e.seq === 'number' ? e.seq : 0,
    at: typeof e.at === 'string' ? e.at : '',
    actor: typeof e.actor === 'string' ? e.actor : '',
    ip: typeof e.ip === 'string' ? e.ip : '',
    action: typeof e.action === 'string' ? e.action : '',
    target: typeof e.target === 'string' ? e.target : created,
    outcome: typeof e.outcome === 'number' ? e.outcome : 0,
    changes,
    moreChanges: Math.max(0, count - changes.length),
    facts: Object.entries(details)
      .filter(([k, v]) => !FACT_SKIPPED.has(k) && v !== undefined)
      .map(([k, v]) => [k, v === null ? '—' : valueText(v)]),
  };
}

/** The answer of `GET /admin/api/audit`, narrowed. */
export function auditLog(v: unknown): AuditLog {
  const r = isRecord(v) ? v : {};
  const c = isRecord(r.chain) ? r.chain : {};
  return {
    entries: (Array.isArray(r.entries) ? r.entries.filter(isRecord) : []).map(auditEntry),
    chain: {
      intact: c.intact === true,
      entries: typeof c.entries === 'number' ? c.entries : 0,
      ...(typeof c.brokenAt === 'number' ? { brokenAt: c.brokenAt } : {}),
      ...(typeof c.reason === 'string' ? { reason: c.reason } : {}),
    },
  };
}

/** An action in words ("Key rotated"); an action this UI does not know stays as recorded. */
export function actionText(action: string): string {
  const key = `audit.action.${action}`;
  return hasKey(key) ? t(key) : action;
}

// The server's reasons (admin/audit/chain.ts) in the UI's languages; another reason is shown as sent.
const REASONS: [RegExp, MsgKey][] = [
  [/^the line is not JSON/, 'audit.reason.json'],
  [/^it does not follow the entry before it/, 'audit.reason.order'],
  [/^its content does not match its hash/, 'audit.reason.hash'],
];

/** Why the chain breaks, in words. */
export function reasonText(reason: string | undefined): string {
  if (!reason) return '';
  const known = REASONS.find(([re]) => re.test(reason));
  return known ? t(known[1]) : reason;
}

/** How an outcome looks: a success, or a refusal or failure. */
export function outcomeTone(status: number): 'ok' | 'error' {
  return status >= 200 && status < 400 ? 'ok' : 'error';
}
