/**
 * Admin login: HTTP Basic against `server.adminAuth` (username + scrypt `passwordHash`, or the
 * original format's plaintext `password` until the next save hashes it), checked in constant
 * time, with failed logins throttled per client IP. There is no default password: enabled auth
 * with no password set refuses everyone. With auth disabled, only requests that did not come
 * through Caddy are answered.
 */
import { isLoopbackHostHeader } from '../../common/loopback-host.js';
import { Semaphore } from '../../common/semaphore.js';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { verifyPassword } from '../../common/password-hash.js';
import {
  AuthNotConfiguredError,
  AuthRequiredError,
  ForwardedRefusedError,
  LoginThrottledError,
  withBody,
} from '../errors.js';
import { isRecord } from '../http-call.js';
import type { LoginThrottle } from './login-throttle.js';
import type { AdminOidcSettings } from '../../common/config/schema.js';
import { validateConfig } from '../../common/config/validate.js';

/** The adminAuth settings in force. */
export interface AdminAuthSettings {
  enabled: boolean;
  username: string;
  password?: string;
  passwordHash?: string;
  /** The local account may sign in (break-glass; off only with Entra ID sign-in configured). */
  localLogin: boolean;
  /** Entra ID sign-in, when configured. */
  oidc?: AdminOidcSettings;
}

/** RFC 7617 challenge; browsers show their login dialog on it. */
export const WWW_AUTHENTICATE = 'Basic realm="gateway admin", charset="UTF-8"';
// Caddy's reverse_proxy adds X-Forwarded-For/-Proto/-Host; Via and Forwarded cover other proxies.
const FORWARDED_HEADERS = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'forwarded', 'via'];
/** A successful scrypt check is remembered this long, so a UI's many requests do not each pay for it. */
const VERIFIED_TTL_MS = 5 * 60_000;
const VERIFIED_MAX = 256;
const NOT_CONFIGURED_LOG_EVERY_MS = 60_000;

/** `server.adminAuth` of a parsed (not necessarily valid) config, with the schema's defaults. */
export function adminAuthOf(raw: unknown): AdminAuthSettings {
  const server = isRecord(raw) && isRecord(raw.server) ? raw.server : {};
  const a = isRecord(server.adminAuth) ? server.adminAuth : {};
  // The sign-in settings are taken only from a config that validates (with the schema's defaults
  // filled in); a broken one keeps the local login, which is how it gets repaired.
  const valid = validateConfig(raw);
  const identity = valid.ok ? valid.config.server.adminAuth : undefined;
  return {
    localLogin: identity?.localLogin ?? true,
    ...(identity?.oidc ? { oidc: identity.oidc } : {}),
    enabled: a.enabled !== false,
    username: typeof a.username === 'string' && a.username !== '' ? a.username : 'admin',
    password: typeof a.password === 'string' && a.password !== '' ? a.password : undefined,
    passwordHash: typeof a.passwordHash === 'string' && a.passwordHash !== '' ? a.passwordHash : undefined,
  };
}

/** The user and password of a `Basic` Authorization header, or undefined. */
export function basicCredentials(header: string | undefined): { user: string; pass: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), pass: decoded.slice(colon + 1) };
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** At most this many password verifications run at once, process-wide. */
export const MAX_CONCURRENT_SCRYPT = 2;

/** Checks requests against the current adminAuth settings. */
export class AdminAuthenticator {
  // Remembered successes are keyed by an HMAC under a per-process key: the cache never holds a password.
  private readonly cacheSecret = randomBytes(32);
  private readonly verified = new Map<string, number>();
  private lastNotConfiguredLog = 0;
  // scrypt costs ~50 ms of CPU and 16 MiB: many addresses guessing at once (each under its own
  // throttle) must not starve the machine, so verifications take turns.
  private readonly scryptGate = new Semaphore(MAX_CONCURRENT_SCRYPT);

  constructor(
    private readonly settings: () => Promise<AdminAuthSettings>,
    private readonly throttle: LoginThrottle,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Throws the 401/403/429 error for `req`, or returns the authenticated user (undefined with auth disabled). */
  async check(req: FastifyRequest): Promise<string | undefined> {
    const s = await this.settings();
    if (!s.enabled) {
      if (FORWARDED_HEADERS.some((h) => req.headers[h] !== undefined)) throw new ForwardedRefusedError();
      // Without a password, only loopback callers under a loopback name (DNS rebinding).
      if (!isLoopbackHostHeader(req.headers.host)) throw new ForwardedRefusedError();
      return undefined;
    }
    const throttled = (retryMs: number) => {
      const seconds = String(Math.ceil(retryMs / 1000));
      return withBody(new LoginThrottledError(seconds), {}, { 'retry-after': seconds });
    };
    const retryMs = this.throttle.retryAfterMs(req.ip);
    if (retryMs > 0) throw throttled(retryMs);
    const challenge = { 'www-authenticate': WWW_AUTHENTICATE };
    if (!s.password && !s.passwordHash) {
      if (Date.now() - this.lastNotConfiguredLog > NOT_CONFIGURED_LOG_EVERY_MS) {
        this.lastNotConfiguredLog = Date.now();
        this.log.warn(
          'admin login is enabled but server.adminAuth has no password: every request is refused. Run init (it writes DATA_DIR/first-run.txt) or set one.',
        );
      }
      throw withBody(new AuthNotConfiguredError(), {}, challenge);
    }
    const creds = basicCredentials(req.headers.authorization);
    // No credentials at all is a browser's first request, not a guess: not counted.
    if (!creds) throw withBody(new AuthRequiredError(), {}, challenge);
    // A login verified a moment ago (the UI sends it with every request) is not a guess either.
    if (this.remembered(s, creds.user, creds.pass)) return creds.user;
    // Counted as a failure from here on, before the slow check: guesses that arrive together are
    // refused as soon as enough of them have started, not after they have all been evaluated.
    const attempt = this.throttle.begin(req.ip);
    if ('retryAfterMs' in attempt) throw throttled(attempt.retryAfterMs);
    let ok = false;
    try {
      ok = await this.matches(s, creds.user, creds.pass);
    } finally {
      if (ok) attempt.succeeded();
      else attempt.failed();
    }
    if (ok) return creds.user;
    // The user name is not logged: a mistyped login often puts the password there.
    this.log.warn({ ip: req.ip }, 'failed admin login');
    throw withBody(new AuthRequiredError(), {}, challenge);
  }

  // The cache key covers the user name asked for, the configured one and the stored secret: a
  // renamed user or a changed password stops matching at once.
  private cacheKey(s: AdminAuthSettings, user: string, pass: string): string {
    const stored = s.passwordHash ?? `plain:${s.password ?? ''}`;
    return createHmac('sha256', this.cacheSecret).update(`${user}\0${pass}\0${s.username}\0${stored}`).digest('base64');
  }

  private remembered(s: AdminAuthSettings, user: string, pass: string): boolean {
    const until = this.verified.get(this.cacheKey(s, user, pass));
    return until !== undefined && until > Date.now();
  }

  private async matches(s: AdminAuthSettings, user: string, pass: string): Promise<boolean> {
    // Both checks always run, so timing does not tell a wrong user from a wrong password.
    const userOk = timingSafeEqual(digest(user), digest(s.username));
    const passOk = s.passwordHash
      ? await this.scryptGate.run(() => verifyPassword(pass, s.passwordHash ?? ''))
      : timingSafeEqual(digest(pass), digest(s.password ?? ''));
    if (!userOk || !passOk) return false;
    if (this.verified.size >= VERIFIED_MAX) this.verified.clear();
    this.verified.set(this.cacheKey(s, user, pass), Date.now() + VERIFIED_TTL_MS);
    return true;
  }
}
