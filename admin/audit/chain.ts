/**
 * The audit log's hash chain: every entry carries the hash of the one before it, and its own hash
 * covers its content and that link. Removing, reordering or editing any line breaks the chain at
 * that line, which `verifyChain` reports (docs/governance.md, "Audit log").
 */
import { createHash } from 'node:crypto';

/** The link of the first entry. */
export const GENESIS = 'genesis';

/** What an admin did, as recorded. */
export interface AuditRecord {
  seq: number;
  at: string;
  /** The signed-in identity (the admin user, or `local` with admin auth disabled). */
  actor: string;
  ip: string;
  action: string;
  target?: string;
  outcome: number;
  details?: Record<string, unknown>;
}

/** A line of the log: the record, the previous entry's hash and its own. */
export type AuditEntry = AuditRecord & { prev: string; hash: string };

// Keys sorted at every level so the hash does not depend on property order.
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The hash of `record` linked to `prev`. */
export function entryHash(record: AuditRecord, prev: string): string {
  return createHash('sha256').update(prev).update('\n').update(canonical(record)).digest('hex');
}

/** `record` sealed onto the chain after `prev`. */
export function seal(record: AuditRecord, prev: string): AuditEntry {
  return { ...record, prev, hash: entryHash(record, prev) };
}

/** Whether the chain holds, and where it breaks. */
export interface ChainStatus {
  intact: boolean;
  entries: number;
  /** 1-based line of the first entry that does not fit. */
  brokenAt?: number;
  reason?: string;
  lastHash: string;
}

function recordOf(e: AuditEntry): AuditRecord {
  const { prev: _prev, hash: _hash, ...record } = e;
  return record;
}

/** Checks every line of the log's text. */
export function verifyChain(text: string): ChainStatus {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  let prev = GENESIS;
  for (let i = 0; i < lines.length; i++) {
    let entry: AuditEntry;
    try {
      entry = JSON.parse(lines[i]!) as AuditEntry;
    } catch {
      return { intact: false, entries: lines.length, brokenAt: i + 1, reason: 'the line is not JSON', lastHash: prev };
    }
    if (entry.prev !== prev)
      return {
        intact: false,
        entries: lines.length,
        brokenAt: i + 1,
        reason: 'it does not follow the entry before it (a line was removed, inserted or reordered)',
        lastHash: prev,
      };
    if (entryHash(recordOf(entry), entry.prev) !== entry.hash)
      return {
        intact: false,
        entries: lines.length,
        brokenAt: i + 1,
        reason: 'its content does not match its hash (the line was edited)',
        lastHash: prev,
      };
    prev = entry.hash;
  }
  return { intact: true, entries: lines.length, lastHash: prev };
}
