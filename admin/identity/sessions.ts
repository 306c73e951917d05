/**
 * Sign-in sessions of the admin UI after an Entra ID sign-in: a random id in an HttpOnly, Secure,
 * SameSite=Lax cookie; the identity kept in memory and in DATA_DIR/admin-sessions.json under the
 * id's SHA-256 (session-file.ts), so an admin restart keeps them. Sessions end after 8 hours
 * whatever happens, after 1 hour without a request, on logout, and when Entra ID sign-in is turned
 * off or its issuer or client id changes; a role removed in Entra ID takes effect at the next
 * sign-in, so within a working day at most. docs/admin-identity.md, "Sessions and admin restarts".
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Principal } from './principal.js';
import { SessionFile, type SessionLog, type SessionPrincipal, type StoredSession } from './session-file.js';

/** The session cookie's name (`__Host-`: Secure, Path=/, no Domain, so no sibling host can set it). */
export const SESSION_COOKIE = '__Host-gw-admin-session';
/** The cookie that ties a pending sign-in to the browser that started it. */
export const SIGN_IN_COOKIE = '__Host-gw-admin-signin';
const ABSOLUTE_MS = 8 * 60 * 60_000;
const IDLE_MS = 60 * 60_000;
const MAX_SESSIONS = 10_000;
/**
 * A request moves a session's idle end in memory every time, but on disk only once it has moved
 * this far, so busy sessions do not rewrite the file on every request. The idle end on disk is
 * therefore up to this much (plus IDLE_WRITE_DELAY_MS) earlier than the real one: after a restart
 * a session may end that much early for want of requests, never late.
 */
const IDLE_STEP_MS = 60_000;
/** Idle-end moves of many sessions are written together, this long after the first. */
const IDLE_WRITE_DELAY_MS = 5_000;

/** The identity provider a session was signed in with (`server.adminAuth.oidc`). */
export interface SessionProvider {
  issuer: string;
  clientId: string;
}

interface Session extends StoredSession {
  /** The idle end last handed to the file. */
  storedIdleUntil: number;
}

/** Where the sessions are kept, and the clock (tests pass their own). */
export interface SessionsOptions {
  file: string;
  log: SessionLog;
  now?: () => number;
}

function digestOf(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

function sameProvider(s: SessionProvider, p: SessionProvider | undefined): boolean {
  return p !== undefined && s.issuer === p.issuer && s.clientId === p.clientId;
}

/** The sign-in sessions of this admin, kept across restarts. */
export class Sessions {
  /** By the SHA-256 of the id: the id itself is held nowhere but in the browser's cookie. */
  private readonly sessions = new Map<string, Session>();
  private readonly file: SessionFile;
  private readonly now: () => number;
  private ready: Promise<void> | undefined;

  constructor(opts: SessionsOptions) {
    this.now = opts.now ?? Date.now;
    this.file = new SessionFile(opts.file, opts.log, () => this.snapshot());
  }

  private loaded(): Promise<void> {
    this.ready ??= this.file.load(this.now()).then((stored) => {
      for (const s of stored) this.sessions.set(s.digest, { ...s, storedIdleUntil: s.idleUntil });
    });
    return this.ready;
  }

  // Ended sessions leave memory and the file whenever it is written.
  private snapshot(): StoredSession[] {
    const now = this.now();
    const out: StoredSession[] = [];
    for (const [digest, s] of this.sessions) {
      if (s.expiresAt < now || s.idleUntil < now) {
        this.sessions.delete(digest);
        continue;
      }
      s.storedIdleUntil = s.idleUntil;
      const { principal, issuer, clientId, expiresAt, idleUntil } = s;
      out.push({ digest, principal, issuer, clientId, expiresAt, idleUntil });
    }
    return out;
  }

  /** Starts a session for `principal`, signed in with `provider`; returns its id (the cookie value). */
  async create(principal: SessionPrincipal, provider: SessionProvider): Promise<string> {
    await this.loaded();
    const id = randomBytes(32).toString('base64url');
    const now = this.now();
    if (this.sessions.size >= MAX_SESSIONS) {
      for (const [k, s] of this.sessions) if (s.expiresAt < now || s.idleUntil < now) this.sessions.delete(k);
      const oldest = this.sessions.keys().next();
      if (this.sessions.size >= MAX_SESSIONS && !oldest.done) this.sessions.delete(oldest.value);
    }
    const digest = digestOf(id);
    const { kind, actor, role, display } = principal;
    const idleUntil = now + IDLE_MS;
    this.sessions.set(digest, {
      digest,
      principal: { kind, actor, role, display },
      issuer: provider.issuer,
      clientId: provider.clientId,
      expiresAt: now + ABSOLUTE_MS,
      idleUntil,
      storedIdleUntil: idleUntil,
    });
    await this.file.request(0);
    return id;
  }

  /**
   * The principal of live session `id` signed in with `provider` (the Entra ID settings in force;
   * undefined when sign-in with Entra ID is off), or undefined. Its idle time starts again.
   */
  async get(id: string | undefined, provider: SessionProvider | undefined): Promise<Principal | undefined> {
    if (!id) return undefined;
    await this.loaded();
    const digest = digestOf(id);
    const s = this.sessions.get(digest);
    if (!s) return undefined;
    const now = this.now();
    if (s.expiresAt < now || s.idleUntil < now || !sameProvider(s, provider)) {
      this.sessions.delete(digest);
      void this.file.request(IDLE_WRITE_DELAY_MS);
      return undefined;
    }
    s.idleUntil = now + IDLE_MS;
    if (s.idleUntil - s.storedIdleUntil >= IDLE_STEP_MS) void this.file.request(IDLE_WRITE_DELAY_MS);
    return { ...s.principal, sessionId: id };
  }

  /** Ends session `id`; settles once the file no longer holds it (or the write failed and was logged). */
  async end(id: string | undefined): Promise<void> {
    if (!id) return;
    await this.loaded();
    if (this.sessions.delete(digestOf(id))) await this.file.request(0);
  }

  /** Ends every session not signed in with `provider` (none kept when Entra ID sign-in is off). */
  async retain(provider: SessionProvider | undefined): Promise<void> {
    await this.loaded();
    let ended = 0;
    for (const [digest, s] of this.sessions) {
      if (sameProvider(s, provider)) continue;
      this.sessions.delete(digest);
      ended++;
    }
    if (ended > 0) await this.file.request(0);
  }

  /** Writes any pending change (at close, so a clean restart loses no idle time). */
  flush(): Promise<void> {
    return this.file.flush();
  }
}

/** The value of cookie `name` in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** A Set-Cookie value for `name` (an empty value with Max-Age=0 removes it). */
export function setCookie(name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Lax`;
}
