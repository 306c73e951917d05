/**
 * DATA_DIR/admin-sessions.json (0600): the Entra ID sign-in sessions, so an admin restart does not
 * sign everyone out. Each entry is keyed by the SHA-256 of the session's cookie value, never the
 * value itself, so the file cannot be turned back into a cookie. Writes are atomic (temp file and
 * rename) and coalesced: one write covers every change asked for before it starts, and a failed
 * write is logged while the admin keeps serving from memory. docs/admin-identity.md, "Sessions
 * and admin restarts".
 */
import { promises as fs } from 'node:fs';
import type { FastifyBaseLogger } from 'fastify';
import { writeFileAtomic } from '../../common/atomic-write.js';
import { isRecord } from '../http-call.js';
import type { Principal, PrincipalKind } from './principal.js';
import { isRole } from './roles.js';

/** What a session keeps of its principal: nothing secret, and not the session id. */
export type SessionPrincipal = Pick<Principal, 'kind' | 'actor' | 'role' | 'display'>;

/** One session as stored. */
export interface StoredSession {
  /** SHA-256 (hex) of the cookie value. */
  digest: string;
  principal: SessionPrincipal;
  /** The identity provider that signed it in (a change of either ends it). */
  issuer: string;
  clientId: string;
  /** Milliseconds since the epoch: the 8-hour end, and the end for want of requests. */
  expiresAt: number;
  idleUntil: number;
}

/** What the file logs through. */
export type SessionLog = Pick<FastifyBaseLogger, 'info' | 'error'>;

const VERSION = 1;
/** A failed write is tried again this long after. */
const RETRY_MS = 30_000;
const DIGEST = /^[0-9a-f]{64}$/;
const KINDS: readonly PrincipalKind[] = ['oidc', 'local', 'token', 'loopback'];

function principalOf(v: unknown): SessionPrincipal | undefined {
  if (!isRecord(v) || !isRole(v.role) || !KINDS.includes(v.kind as PrincipalKind)) return undefined;
  if (typeof v.actor !== 'string' || typeof v.display !== 'string') return undefined;
  return { kind: v.kind as PrincipalKind, actor: v.actor, role: v.role, display: v.display };
}

function sessionOf(v: unknown): StoredSession | undefined {
  if (!isRecord(v) || typeof v.digest !== 'string' || !DIGEST.test(v.digest)) return undefined;
  const principal = principalOf(v.principal);
  if (!principal || typeof v.issuer !== 'string' || typeof v.clientId !== 'string') return undefined;
  if (!Number.isFinite(v.expiresAt) || !Number.isFinite(v.idleUntil)) return undefined;
  return {
    digest: v.digest,
    principal,
    issuer: v.issuer,
    clientId: v.clientId,
    expiresAt: v.expiresAt as number,
    idleUntil: v.idleUntil as number,
  };
}

interface PendingWrite {
  due: number;
  timer: NodeJS.Timeout;
  done: Promise<void>;
  resolve: () => void;
}

/** The sessions file of one data dir. */
export class SessionFile {
  private pending: PendingWrite | undefined;
  private running: Promise<void> = Promise.resolve();

  /** `snapshot` gives the sessions to write, taken when a write starts. */
  constructor(
    readonly file: string,
    private readonly log: SessionLog,
    private readonly snapshot: () => StoredSession[],
  ) {}

  /**
   * The live sessions on disk at `now` (ended ones dropped). Never throws: an unreadable or
   * corrupt file is logged and the admin starts with no sessions (everyone signs in again).
   */
  async load(now: number): Promise<StoredSession[]> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      this.log.error({ file: this.file, err: (err as Error).message }, 'cannot read the sign-in sessions: none kept');
      return [];
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      this.log.error(
        { file: this.file, err: (err as Error).message },
        'the sign-in sessions file is corrupt: none kept',
      );
      return [];
    }
    if (!isRecord(parsed) || parsed.version !== VERSION || !Array.isArray(parsed.sessions)) {
      this.log.error({ file: this.file }, 'the sign-in sessions file is not in the expected form: none kept');
      return [];
    }
    const all = parsed.sessions.map(sessionOf);
    const live = all.filter((s): s is StoredSession => s !== undefined && s.expiresAt >= now && s.idleUntil >= now);
    this.log.info({ file: this.file, kept: live.length, dropped: all.length - live.length }, 'sign-in sessions loaded');
    return live;
  }

  /**
   * Asks for a write within `delayMs`. Requests coalesce into one write; the answer settles once
   * a write that started after this request has ended (it never rejects: a failure is logged).
   */
  request(delayMs: number): Promise<void> {
    const due = Date.now() + delayMs;
    const p = this.pending;
    if (p && p.due <= due) return p.done;
    if (p) {
      clearTimeout(p.timer);
      p.due = due;
      p.timer = this.arm(delayMs);
      return p.done;
    }
    let resolve: () => void = () => undefined;
    const done = new Promise<void>((r) => (resolve = r));
    this.pending = { due, done, resolve, timer: this.arm(delayMs) };
    return done;
  }

  /** Writes what is pending now; settles when the file is up to date (or the write failed and was logged). */
  flush(): Promise<void> {
    return this.pending ? this.run() : this.running;
  }

  private arm(delayMs: number): NodeJS.Timeout {
    const timer = setTimeout(() => void this.run(), delayMs);
    // A pending write never keeps the process alive; close() flushes it.
    timer.unref();
    return timer;
  }

  private run(): Promise<void> {
    const p = this.pending;
    if (!p) return this.running;
    clearTimeout(p.timer);
    this.pending = undefined;
    // The snapshot is taken once the write under way has ended, so it holds every change asked for before.
    this.running = this.running.then(async () => {
      try {
        const body = { version: VERSION, sessions: this.snapshot() };
        await writeFileAtomic(this.file, `${JSON.stringify(body)}\n`, { mode: 0o600 });
      } catch (err) {
        this.log.error(
          { file: this.file, err: (err as Error).message, retryInS: RETRY_MS / 1000 },
          'cannot write the sign-in sessions: serving them from memory',
        );
        // Until a write succeeds, the file may still hold a session signed out since.
        void this.request(RETRY_MS);
      }
      p.resolve();
    });
    return this.running;
  }
}
