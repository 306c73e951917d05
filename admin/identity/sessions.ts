/**
 * Sign-in sessions of the admin UI after an Entra ID sign-in: a random id in an HttpOnly, Secure,
 * SameSite=Lax cookie, the identity kept in this process only (a restart signs everyone out).
 * Sessions end after 8 hours whatever happens and after 1 hour without a request, so a role
 * removed in Entra ID takes effect within a working day at most; logout ends one at once.
 */
import { randomBytes } from 'node:crypto';
import type { Principal } from './principal.js';

/** The session cookie's name (`__Host-`: Secure, Path=/, no Domain, so no sibling host can set it). */
export const SESSION_COOKIE = '__Host-gw-admin-session';
/** The cookie that ties a pending sign-in to the browser that started it. */
export const SIGN_IN_COOKIE = '__Host-gw-admin-signin';
const ABSOLUTE_MS = 8 * 60 * 60_000;
const IDLE_MS = 60 * 60_000;
const MAX_SESSIONS = 10_000;

interface Session {
  principal: Principal;
  expiresAt: number;
  idleUntil: number;
}

/** The sessions of this admin process. */
export class Sessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Starts a session for `principal`; returns its id (the cookie value). */
  create(principal: Omit<Principal, 'sessionId'>): string {
    const id = randomBytes(32).toString('base64url');
    const now = this.now();
    if (this.sessions.size >= MAX_SESSIONS) {
      for (const [k, s] of this.sessions) if (s.expiresAt < now || s.idleUntil < now) this.sessions.delete(k);
      const oldest = this.sessions.keys().next();
      if (this.sessions.size >= MAX_SESSIONS && !oldest.done) this.sessions.delete(oldest.value);
    }
    this.sessions.set(id, {
      principal: { ...principal, sessionId: id },
      expiresAt: now + ABSOLUTE_MS,
      idleUntil: now + IDLE_MS,
    });
    return id;
  }

  /** The principal of live session `id` (and its idle time starts again), or undefined. */
  get(id: string | undefined): Principal | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    const now = this.now();
    if (!s) return undefined;
    if (s.expiresAt < now || s.idleUntil < now) {
      this.sessions.delete(id);
      return undefined;
    }
    s.idleUntil = now + IDLE_MS;
    return s.principal;
  }

  /** Ends session `id`. */
  end(id: string | undefined): void {
    if (id) this.sessions.delete(id);
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
