/**
 * DATA_DIR/admin-identity.json (0600): the admin API tokens (hashes only, never the token) and
 * which owners have signed in with Entra ID (the condition for turning the local login off). It
 * is the admin service's own state, not configuration: a token's creation or last use must not go
 * through the apply transaction, and config.json stays a file people edit. Writes are serialised
 * and atomic.
 */
import { promises as fs } from 'node:fs';
import { writeFileAtomic } from '../../common/atomic-write.js';
import { isRecord } from '../http-call.js';
import { isRole, type AdminRole } from './roles.js';

/** One admin API token as stored. */
export interface StoredToken {
  id: string;
  name: string;
  role: AdminRole;
  /** SHA-256 (hex) of the whole token; the token itself is shown once and never stored. */
  hash: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
  revokedBy?: string;
}

/** An owner's sign-in with Entra ID, remembered so the local login may be turned off. */
export interface OwnerSignIn {
  issuer: string;
  subject: string;
  at: string;
}

interface IdentityState {
  tokens: StoredToken[];
  ownerSignIns: OwnerSignIn[];
}

const MAX_OWNER_SIGN_INS = 50;

function tokenOf(v: unknown): StoredToken | undefined {
  if (!isRecord(v) || !isRole(v.role)) return undefined;
  const str = (k: string) => (typeof v[k] === 'string' ? v[k] : undefined);
  const id = str('id');
  const name = str('name');
  const hash = str('hash');
  const createdBy = str('createdBy');
  const createdAt = str('createdAt');
  const expiresAt = str('expiresAt');
  if (!id || name === undefined || !hash || !createdBy || !createdAt || !expiresAt) return undefined;
  const optional = (k: 'lastUsedAt' | 'revokedAt' | 'revokedBy') => (str(k) ? { [k]: str(k) } : {});
  return {
    id,
    name,
    role: v.role,
    hash,
    createdBy,
    createdAt,
    expiresAt,
    ...optional('lastUsedAt'),
    ...optional('revokedAt'),
    ...optional('revokedBy'),
  };
}

function signInOf(v: unknown): OwnerSignIn | undefined {
  if (!isRecord(v) || typeof v.issuer !== 'string' || typeof v.subject !== 'string' || typeof v.at !== 'string')
    return undefined;
  return { issuer: v.issuer, subject: v.subject, at: v.at };
}

/** The admin identity state of one data dir. */
export class IdentityStore {
  private state: IdentityState | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  private async load(): Promise<IdentityState> {
    if (this.state) return this.state;
    let parsed: unknown;
    try {
      parsed = JSON.parse(await fs.readFile(this.file, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      parsed = {};
    }
    const rec = isRecord(parsed) ? parsed : {};
    const list = (k: string) => (Array.isArray(rec[k]) ? (rec[k] as unknown[]) : []);
    this.state = {
      tokens: list('tokens').flatMap((t) => tokenOf(t) ?? []),
      ownerSignIns: list('ownerSignIns').flatMap((s) => signInOf(s) ?? []),
    };
    return this.state;
  }

  /** Runs `change` on the state and writes it, one change at a time. */
  private update<T>(change: (s: IdentityState) => T): Promise<T> {
    const run = this.tail.then(async () => {
      const s = await this.load();
      const out = change(s);
      await writeFileAtomic(this.file, `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600 });
      return out;
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Every token, revoked and expired ones included. */
  async tokens(): Promise<StoredToken[]> {
    await this.tail;
    return [...(await this.load()).tokens];
  }

  /** The token with `id`, if any. */
  async token(id: string): Promise<StoredToken | undefined> {
    return (await this.tokens()).find((t) => t.id === id);
  }

  /** Stores a new token. */
  addToken(token: StoredToken): Promise<void> {
    return this.update((s) => void s.tokens.push(token));
  }

  /** Marks a token revoked; false when there is none with `id` or it already was. */
  revokeToken(id: string, by: string): Promise<boolean> {
    return this.update((s) => {
      const t = s.tokens.find((x) => x.id === id);
      if (!t || t.revokedAt) return false;
      t.revokedAt = new Date().toISOString();
      t.revokedBy = by;
      return true;
    });
  }

  /** Records a token's use at `at`. */
  touchToken(id: string, at: string): Promise<void> {
    return this.update((s) => {
      const t = s.tokens.find((x) => x.id === id);
      if (t) t.lastUsedAt = at;
    });
  }

  /** Remembers an owner's sign-in with `issuer` (the latest per subject, a bounded list). */
  recordOwnerSignIn(issuer: string, subject: string): Promise<void> {
    return this.update((s) => {
      s.ownerSignIns = s.ownerSignIns.filter((x) => !(x.issuer === issuer && x.subject === subject));
      s.ownerSignIns.push({ issuer, subject, at: new Date().toISOString() });
      s.ownerSignIns = s.ownerSignIns.slice(-MAX_OWNER_SIGN_INS);
    });
  }

  /** The issuers some owner has signed in with. */
  async ownerIssuers(): Promise<Set<string>> {
    await this.tail;
    return new Set((await this.load()).ownerSignIns.map((x) => x.issuer));
  }
}
