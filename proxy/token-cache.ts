/**
 * A cached Entra ID token for one credential and scope. We wrap `getToken` ourselves instead of
 * `getBearerTokenProvider` because the gateway must *report* the token state (expiry, last
 * error) in /readyz and the admin UI without fetching; the behaviour is the same: tokens are
 * reused until shortly before expiry, refreshed in the background while still valid, and one
 * fetch is shared by every concurrent request.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';

/** Refresh this long before expiry (the Azure SDK's own default window is 2 minutes). */
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;
/** After a failed fetch, callers within this window get the same failure instead of a new fetch. */
export const FAILURE_BACKOFF_MS = 1_000;
/** A token fetch that takes longer than this counts as failed. */
export const TOKEN_FETCH_TIMEOUT_MS = 30_000;

/** What /readyz and the admin UI show about a credential. */
export interface TokenState {
  state: 'unused' | 'ok' | 'error';
  expiresAt?: string;
  lastError?: string;
  lastErrorAt?: string;
}

/** One credential + scope, with its cached token. */
export class TokenCache {
  private token: AccessToken | undefined;
  private inFlight: Promise<AccessToken> | undefined;
  private lastError: { message: string; at: number } | undefined;

  constructor(
    private readonly credential: TokenCredential,
    private readonly scope: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** A valid token, fetching only when none is cached or it is about to expire. */
  async get(): Promise<string> {
    const t = this.token;
    const now = this.now();
    if (t && now < t.expiresOnTimestamp - 10_000) {
      const refreshAt = t.refreshAfterTimestamp ?? t.expiresOnTimestamp - REFRESH_BEFORE_EXPIRY_MS;
      // Still valid but due: refresh in the background, keep serving the current token.
      if (now >= refreshAt) this.fetch().catch(() => undefined);
      return t.token;
    }
    if (this.lastError && !this.inFlight && now - this.lastError.at < FAILURE_BACKOFF_MS) {
      throw new Error(this.lastError.message);
    }
    return (await this.fetch()).token;
  }

  /** Starts a fetch unless one is running; every caller shares it. */
  private fetch(): Promise<AccessToken> {
    this.inFlight ??= this.fetchOnce().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetchOnce(): Promise<AccessToken> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), TOKEN_FETCH_TIMEOUT_MS);
    try {
      const token = await this.credential.getToken(this.scope, { abortSignal: abort.signal });
      if (!token) throw new Error('the credential returned no token');
      this.token = token;
      this.lastError = undefined;
      return token;
    } catch (err) {
      this.lastError = { message: describeCredentialError(err), at: this.now() };
      throw new Error(this.lastError.message, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  /** The cached state, without fetching. */
  state(): TokenState {
    const s: TokenState = { state: 'unused' };
    if (this.token) {
      s.expiresAt = new Date(this.token.expiresOnTimestamp).toISOString();
      s.state = this.token.expiresOnTimestamp > this.now() ? 'ok' : 'error';
    }
    if (this.lastError) {
      s.state = 'error';
      s.lastError = this.lastError.message;
      s.lastErrorAt = new Date(this.lastError.at).toISOString();
    }
    return s;
  }
}

/** The first line of an @azure/identity error: the library's messages are long and multi-line. */
export function describeCredentialError(err: unknown): string {
  const name = err instanceof Error ? err.name : 'Error';
  const message = err instanceof Error ? err.message : String(err);
  const first = message.split('\n').find((l) => l.trim()) ?? message;
  return `${name}: ${first.trim().slice(0, 500)}`;
}
